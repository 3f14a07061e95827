// The statistics page's map of every public problem (progressive enhancement: without it the
// page offers the list and the table of problems per territory). Problems come as GeoJSON from
// the API, grouped on the server for the map's zoom and box; the base layer and markers are
// those of the other maps (appeals/map.js, loaded before this file).
(function () {
  "use strict";
  var L = window.L;
  var maps = window.vecheMap;
  if (!L || !maps || !window.fetch) {
    return;
  }

  function readJson(id) {
    var block = id && document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  function cityMap(element) {
    var canvas = element.querySelector(".location-map");
    var source = element.getAttribute("data-geojson");
    var clusterText = element.getAttribute("data-text-cluster") || "";
    var extent = readJson(element.getAttribute("data-extent"));
    var fallback = document.querySelector("[data-map-fallback]");
    element.hidden = false;
    if (fallback) {
      fallback.hidden = true;
    }
    // Quarter steps let the city fill the box; the server groups by whole zoom levels.
    var map = maps.newMap(element, canvas, { scrollWheelZoom: false, zoomSnap: 0.25 });
    var icon = maps.markerIcon(element);
    var layer = L.layerGroup().addTo(map);
    var asked = 0;

    function group(at, count, box) {
      var zoom = map.getZoom();
      var size = count < 10 ? 34 : count < 100 ? 42 : 50;
      var label = clusterText.replace("{count}", String(count));
      var marker = L.marker(at, {
        icon: L.divIcon({
          className: "city-cluster" + (count >= 100 ? " city-cluster--large" : ""),
          html: String(count),
          iconSize: [size, size],
        }),
        title: label,
        riseOnHover: true,
      });
      marker.on("add", function () {
        marker.getElement().setAttribute("aria-label", label);
      });
      marker.on("click", function () {
        // Open the group: come as close as the box its problems lie in allows, at least one step.
        var target = zoom + 2;
        var center = at;
        if (box) {
          var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
          target = Math.max(map.getBoundsZoom(bounds, false, L.point(80, 80)), zoom + 1);
          center = bounds.getCenter();
        }
        map.setView(center, Math.min(target, 18));
      });
      return marker;
    }

    function problem(at, properties) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = properties.title;
      return L.marker(at, { icon: icon, title: properties.title, alt: properties.title }).bindPopup(link);
    }

    function load() {
      var box = map.getBounds();
      var bbox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()].map(function (value) {
        return Math.max(-180, Math.min(180, value)).toFixed(5);
      });
      var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "zoom=" + Math.floor(map.getZoom()) + "&bbox=" + bbox.join(",");
      var mine = ++asked;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (collection) {
          if (!collection || mine !== asked) {
            return; // a later view's answer wins
          }
          layer.clearLayers();
          collection.features.forEach(function (feature) {
            var point = feature.geometry.coordinates;
            var at = L.latLng(point[1], point[0]);
            var properties = feature.properties || {};
            var marker = properties.cluster
              ? group(at, properties.count, properties.bbox)
              : problem(at, properties);
            marker.addTo(layer);
          });
          element.setAttribute("data-loaded", String(collection.features.length));
        })
        .catch(function () {});
    }

    if (extent) {
      map.fitBounds(maps.toBounds(extent));
    } else {
      map.setView([0, 0], 2);
    }
    map.on("moveend", load);
    load();
    map.on("popupopen", function (event) {
      var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
      if (link) {
        link.focus();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-map="city"]'), cityMap);
})();
