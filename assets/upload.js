// "Add data": dcc.Upload silently ignores a file over its max_size; say so, with the limit.
(function () {
  function tooBig(files, zone) {
    var limit = Number(zone.getAttribute("data-max-bytes"));
    var note = document.getElementById("add-data-too-big");
    if (!note || !limit) return;
    var big = Array.prototype.filter.call(files || [], function (f) { return f.size > limit; });
    note.textContent = big.length
      ? big[0].name + " is " + Math.round(big[0].size / 1048576) + " MB; the largest file accepted is " +
        Math.round(limit / 1048576) + " MB. Nothing was read or stored."
      : "";
  }
  function zoneOf(target) {
    return target && target.closest ? target.closest("#add-data-drop") : null;
  }
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event.target);
    if (zone && event.dataTransfer) tooBig(event.dataTransfer.files, zone);
  }, true);
  document.addEventListener("change", function (event) {
    var zone = zoneOf(event.target);
    if (zone && event.target.files) tooBig(event.target.files, zone);
  }, true);
})();
