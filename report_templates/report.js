/* Column inventory filter. Optional: without script every row is shown and the controls stay hidden. */
(function () {
  "use strict";
  var form = document.getElementById("inventory-controls");
  if (!form) { return; }
  var box = document.getElementById("inventory-filter");
  var only = document.getElementById("inventory-sensitive");
  var count = document.getElementById("inventory-count");
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
    count.textContent = shown + " of " + total + " columns shown";
  }
  box.addEventListener("input", apply);
  only.addEventListener("change", apply);
  form.hidden = false;
  apply();
}());
