/* Django's admin, on every page (admin/base_site.html): names that its own widgets leave out,
   for screen readers (found by axe-core in tests/browser/test_admin_accessibility.py). Deferred,
   so that it runs after the widgets' scripts have built them. */
(function () {
  "use strict";

  // The filter boxes of a many-to-many field (SelectFilter2) put their hint in the aria-label of
  // a bare <span>, which ARIA does not allow: an image of a magnifying glass it is.
  function nameHints(root) {
    root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // What names an autocomplete's <select>: its <label>, or, in a table of inline rows, where the
  // column's head names it, its own aria-label (veche.core.admin_site), said by a hidden
  // element that the box can point to.
  function nameOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      return label;
    }
    var text = select.getAttribute("aria-label");
    if (!text) {
      return null;
    }
    var said = document.createElement("span");
    said.hidden = true;
    said.textContent = text;
    select.parentNode.insertBefore(said, select);
    return said;
  }

  // Select2's box (a combobox) is named by the text of the choice shown in it (a read-only
  // textbox), nothing when none is chosen: both are named by the field's label, the box then by
  // the choice too.
  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      box = box && box.querySelector(".select2-selection");
      if (!box || box.hasAttribute("data-veche-named")) {
        return;
      }
      var name = nameOf(select);
      if (!name) {
        return;
      }
      name.id = name.id || select.id + "-name";
      var shown = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", shown ? name.id + " " + shown : name.id);
      var choice = shown && document.getElementById(shown);
      if (choice) {
        choice.setAttribute("aria-labelledby", name.id);
      }
      box.setAttribute("data-veche-named", "");
    });
  }

  // The filter boxes are built on the window's load, after this script has registered its
  // own; Select2's boxes on jQuery's ready, whose callbacks run in turn (Django's autocomplete.js
  // registered first). A row added to an inline table gets its autocompletes at once.
  window.addEventListener("load", function () {
    nameHints(document);
  });
  var jQuery = window.django && window.django.jQuery;
  if (jQuery) {
    jQuery(function () {
      nameAutocompletes(document);
    });
  }
  document.addEventListener("formset:added", function (event) {
    nameAutocompletes(event.target);
  });
})();
