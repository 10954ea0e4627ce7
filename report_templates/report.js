/* Column inventory filter. Optional: without script every row is shown and the controls stay hidden. */
(function () {
  "use strict";
  var form = document.getElementById("inventory-controls");
  if (!form) { return; }
  var box = document.getElementById("inventory-filter");
  var only = document.getElementById("inventory-sensitive");
  var count = document.getElementById("inventory-count");
  var template = count.getAttribute("data-template") || "{shown} / {total}";
  var groups = document.querySelectorAll("#inventory-table > tbody");
  var total = document.querySelectorAll("#inventory-table tr[data-search]").length;
  function apply() {
    var needle = box.value.trim().toLowerCase();
    var active = needle !== "" || only.checked;
    var shown = 0;
    Array.prototype.forEach.call(groups, function (group) {
      var any = false;
      Array.prototype.forEach.call(group.querySelectorAll("tr[data-search]"), function (row) {
        var ok = (!only.checked || row.getAttribute("data-sensitive") === "1") &&
          row.getAttribute("data-search").indexOf(needle) !== -1;
        row.hidden = !ok;
        if (ok) { any = true; shown += 1; }
      });
      group.hidden = active && !any;
    });
    count.textContent = template.replace("{shown}", String(shown)).replace("{total}", String(total));
  }
  box.addEventListener("input", apply);
  only.addEventListener("change", apply);
  form.hidden = false;
  apply();
}());
/* Printing (or "Save as PDF") opens every "Why this level" so the factors are on paper too. */
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.factors:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
}());
