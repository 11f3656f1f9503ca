(function () {
  // Sort a table by a click (or Enter) on a column header; empty cells stay last.
  function key(td) {
    var v = td.getAttribute("data-v");
    if (v === null) v = td.textContent.trim();
    if (v === "") return [2, 0];
    var n = Number(v);
    return isNaN(n) ? [1, v] : [0, n];
  }
  function sortBy(t, i, th) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[i]), y = key(b.cells[i]);
      if (x[0] !== y[0]) return x[0] - y[0];
      var c = x[0] === 0 ? x[1] - y[1] : String(x[1]).localeCompare(String(y[1]), "zh");
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t) {
    if (!t.tHead || !t.tBodies.length) return;
    var cells = t.tHead.rows[t.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(cells, function (th, i) {
      th.tabIndex = 0;
      th.title = "点击排序 click to sort";
      var go = function () { sortBy(t, i, th); };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); }
      });
    });
    t.classList.add("js");
  });
})();
