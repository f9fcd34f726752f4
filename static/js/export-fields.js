// Export page of the admin: the "select all" box ticks or clears every field's box. The page's
// own inline onchange attribute is gone (the Content-Security-Policy refuses inline handlers);
// django-import-export's export_selectable_fields.js still shows each resource's fields.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("input.select-toggle");
    if (!toggle) return;
    toggle.addEventListener("change", function () {
      var boxes = document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]');
      Array.prototype.forEach.call(boxes, function (box) {
        box.checked = toggle.checked;
      });
    });
  });
})();
