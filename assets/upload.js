// "Add data": dcc.Upload silently ignores a file over its max_size; say so, with the limit.
// The words come from the page, in its language (data-too-big on #add-data-drop, with {name} and
// {size} to fill in; dashboard/add_data.py upload_texts), English where the page gives none.
(function () {
  var ENGLISH = "{name} is {size} MB; the largest file accepted is {limit} MB. Nothing was read or stored.";
  function megabytes(bytes, lang) {
    var n = Math.round(bytes / 1048576);
    try {
      return n.toLocaleString(lang || undefined);
    } catch (e) {
      return String(n);
    }
  }
  function tooBig(files, zone) {
    var limit = Number(zone.getAttribute("data-max-bytes"));
    var note = document.getElementById("add-data-too-big");
    if (!note || !limit) return;
    var big = Array.prototype.filter.call(files || [], function (f) { return f.size > limit; });
    if (!big.length) {
      note.textContent = "";
      return;
    }
    var lang = zone.getAttribute("data-lang") || document.documentElement.lang || "en";
    var words = zone.getAttribute("data-too-big") || ENGLISH;
    var values = { name: big[0].name, size: megabytes(big[0].size, lang), limit: megabytes(limit, lang) };
    // One pass, so a file's name holding "{size}" is left as it is.
    note.textContent = words.replace(/\{(name|size|limit)\}/g, function (all, key) { return values[key]; });
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
