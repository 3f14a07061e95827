// Maps of problems, drawn with Leaflet (served from the django-leaflet package).
// Progressive enhancement only: without this file the coordinate inputs, the coordinates on a
// problem's page and the problem list all work. Data comes in data- attributes and JSON blocks,
// never in inline code, which the Content Security Policy forbids.
(function () {
  "use strict";
  var L = window.L;
  if (!L) {
    return;
  }
  var DIGITS = 6; // about 10 cm, what the database keeps

  function readJson(id) {
    var block = id && document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  // [south, west, north, east] → Leaflet bounds
  function toBounds(extent) {
    return L.latLngBounds([extent[0], extent[1]], [extent[2], extent[3]]);
  }

  // Marker images by their static URLs (hashed in production), not guessed from leaflet.css.
  function markerIcon(element) {
    return L.icon({
      iconUrl: element.getAttribute("data-marker-icon"),
      iconRetinaUrl: element.getAttribute("data-marker-icon-2x"),
      shadowUrl: element.getAttribute("data-marker-shadow"),
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
  }

  function newMap(element, container, options) {
    var map = L.map(container, options);
    if (map.attributionControl) {
      map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    }
    var url = element.getAttribute("data-tile-url");
    if (url) {
      L.tileLayer(url, {
        maxZoom: 19,
        attribution: element.getAttribute("data-attribution") || "",
      }).addTo(map);
    } else {
      boundaries(map, element.getAttribute("data-boundaries"));
    }
    return map;
  }

  // Without a tile server the base map is the territories' boundaries, from this origin: a demo
  // or an offline machine shows the city and its districts, never a grey box. Markers and clicks
  // work the same; a failed request leaves the plain background.
  function boundaries(map, url) {
    if (!url || !window.fetch) {
      return;
    }
    map.getContainer().classList.add("location-map--offline");
    var pane = map.createPane("boundaries");
    pane.style.zIndex = 250; // above the background, below markers and popups
    pane.style.pointerEvents = "none"; // clicks go to the map, as on tiles
    // Names in a pane of their own above the outlines: in the outlines' pane the SVG drawn after
    // them would cover them.
    var labels = map.createPane("boundaryLabels");
    labels.style.zIndex = 260;
    labels.style.pointerEvents = "none";
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (collection) {
        if (!collection || !collection.features.length) {
          return;
        }
        // The outermost territories are the land; those inside them are outlined and named.
        var top = Math.min.apply(
          null,
          collection.features.map(function (feature) {
            return feature.properties.depth || 0;
          })
        );
        var layer = L.geoJSON(collection, {
          pane: "boundaries",
          interactive: false,
          style: function (feature) {
            var outer = (feature.properties.depth || 0) === top;
            return {
              color: outer ? "#4b5563" : "#6b7280",
              weight: outer ? 2 : 1,
              dashArray: outer ? null : "4 3",
              fillColor: outer ? "#f3f4ec" : "#e8eddc",
              fillOpacity: outer ? 1 : 0.6,
            };
          },
          onEachFeature: function (feature, layer) {
            var name = feature.properties.name;
            if (name && (feature.properties.depth || 0) > top) {
              layer.bindTooltip(name, {
                permanent: true,
                direction: "center",
                className: "boundary-label",
                pane: "boundaryLabels",
              });
            }
          },
        });
        layer.addTo(map);
        map.fire("boundariesload", { bounds: layer.getBounds() });
      })
      .catch(function () {});
  }

  // The publish form: click or drag to set the point, or ask the browser where we are.
  function picker(element) {
    var latitude = document.getElementById(element.getAttribute("data-latitude-input"));
    var longitude = document.getElementById(element.getAttribute("data-longitude-input"));
    var territory = document.getElementById(element.getAttribute("data-territory-input"));
    var extents = readJson(element.getAttribute("data-extents")) || {};
    var status = element.querySelector("[data-map-status]");
    var locate = element.querySelector("[data-map-locate]");
    var icon = markerIcon(element);
    var label = element.getAttribute("data-marker-label") || "";
    var marker = null;
    if (!latitude || !longitude) {
      return;
    }
    element.hidden = false;
    var map = newMap(element, element.querySelector(".location-map"), { scrollWheelZoom: false });

    function extent() {
      var chosen = territory && (extents.territories || {})[territory.value];
      return chosen || extents.site;
    }

    function typedPoint() {
      var lat = parseFloat(latitude.value.replace(",", "."));
      var lng = parseFloat(longitude.value.replace(",", "."));
      if (isNaN(lat) || isNaN(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
        return null;
      }
      return L.latLng(lat, lng);
    }

    function fill(point) {
      point = point.wrap();
      latitude.value = point.lat.toFixed(DIGITS);
      longitude.value = point.lng.toFixed(DIGITS);
    }

    function place(point) {
      if (marker) {
        marker.setLatLng(point);
        return;
      }
      // Not a keyboard stop: the inputs below are the keyboard's way to set the point.
      marker = L.marker(point, { icon: icon, draggable: true, keyboard: false, alt: label, title: label });
      marker.on("dragend", function () {
        fill(marker.getLatLng());
      });
      marker.addTo(map);
    }

    function fit() {
      var box = extent();
      if (box) {
        map.fitBounds(toBounds(box));
      } else {
        map.setView([0, 0], 2);
      }
    }

    var start = typedPoint();
    if (start) {
      place(start);
      map.setView(start, 16);
    } else {
      fit();
    }

    map.on("click", function (event) {
      place(event.latlng);
      fill(event.latlng);
    });
    // Drawn offline, the territories are the map: open on them rather than on the whole country.
    map.on("boundariesload", function (event) {
      var chosen = territory && (extents.territories || {})[territory.value];
      if (!marker && !chosen && event.bounds.isValid()) {
        map.fitBounds(event.bounds);
      }
    });
    function followInputs() {
      var point = typedPoint();
      if (point) {
        place(point);
        map.panTo(point);
      }
    }
    latitude.addEventListener("change", followInputs);
    longitude.addEventListener("change", followInputs);
    if (territory) {
      territory.addEventListener("change", function () {
        if (!marker) {
          fit();
        }
      });
    }

    if (locate && status && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        status.textContent = element.getAttribute("data-text-locating");
        locate.disabled = true;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var here = L.latLng(position.coords.latitude, position.coords.longitude);
            place(here);
            fill(here);
            map.setView(here, 17);
            status.textContent = element.getAttribute("data-text-located");
            locate.disabled = false;
          },
          function (error) {
            var denied = error.code === error.PERMISSION_DENIED;
            status.textContent = element.getAttribute(denied ? "data-text-denied" : "data-text-unavailable");
            locate.disabled = false;
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
  }

  // A problem's page: a small still map; the coordinates beside it say the same in text.
  function point(element) {
    var here = L.latLng(
      parseFloat(element.getAttribute("data-latitude")),
      parseFloat(element.getAttribute("data-longitude"))
    );
    element.hidden = false;
    var map = newMap(element, element.querySelector(".location-map"), {
      zoomControl: false,
      attributionControl: false, // shown under the map, outside the picture
      dragging: false,
      touchZoom: false,
      scrollWheelZoom: false,
      doubleClickZoom: false,
      boxZoom: false,
      keyboard: false,
    });
    map.setView(here, 16);
    L.marker(here, { icon: markerIcon(element), interactive: false, keyboard: false, alt: "" }).addTo(map);
  }

  // The problem list: a map of this page's problems, opened on demand, each marker a link.
  function problems(element) {
    var items = readJson(element.getAttribute("data-markers")) || [];
    var toggle = element.querySelector("[data-map-toggle]");
    var canvas = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    var remember = "veche.problemMap";
    var map = null;
    if (!canvas || !items.length) {
      return;
    }
    element.hidden = false;

    function build() {
      map = newMap(element, canvas, { scrollWheelZoom: false });
      var icon = markerIcon(element);
      var group = L.featureGroup();
      items.forEach(function (item) {
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        L.marker([item.latitude, item.longitude], { icon: icon, title: item.title, alt: item.title })
          .bindPopup(link)
          .addTo(group);
      });
      group.addTo(map);
      map.fitBounds(group.getBounds(), { maxZoom: 15, padding: [24, 24] });
      // A marker opened with the keyboard hands focus to its link.
      map.on("popupopen", function (event) {
        var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
        if (link) {
          link.focus();
        }
      });
    }

    function show(open) {
      canvas.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = element.getAttribute(open ? "data-text-hide" : "data-text-show");
      if (open && !map) {
        build();
      } else if (open) {
        map.invalidateSize();
      }
      try {
        window.localStorage.setItem(remember, open ? "open" : "");
      } catch (ignored) {
        // Storage may be off; the map then simply starts closed.
      }
    }

    toggle.addEventListener("click", function () {
      show(canvas.hidden);
    });
    var wasOpen = "";
    try {
      wasOpen = window.localStorage.getItem(remember) || "";
    } catch (ignored) {
      wasOpen = "";
    }
    if (wasOpen === "open") {
      show(true);
    }
  }

  // For maps drawn by other scripts (the statistics page's city map): the same base layer and
  // marker images.
  window.vecheMap = { newMap: newMap, markerIcon: markerIcon, toBounds: toBounds };

  var kinds = { picker: picker, point: point, problems: problems };
  Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), function (element) {
    var build = kinds[element.getAttribute("data-map")];
    if (build) {
      build(element);
    }
  });
})();
