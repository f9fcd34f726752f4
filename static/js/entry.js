// Monthly entry form: update "after this month" and "% of target" as the clerk types.
// The server computes the same on "Recalculate" and on save, so the page works without this.
(function () {
  "use strict";

  function parseNumber(text) {
    var s = String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace("\u2212", "-");
    if (!s) return null;
    if (s.indexOf(".") >= 0 && s.indexOf(",") >= 0) {
      if (s.lastIndexOf(",") < s.lastIndexOf(".")) return NaN;
      s = s.replace(/\./g, "").replace(",", ".");
    } else if (s.indexOf(",") >= 0) {
      if (s.split(",").length > 2) return NaN;
      s = s.replace(",", ".");
    } else if (/^[+-]?\d{1,3}(\.\d{3})+$/.test(s) && !/^[+-]?0\./.test(s)) {
      s = s.replace(/\./g, "");
    }
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return NaN;
    return parseFloat(s);
  }

  function formatNumber(value, decimals) {
    if (value === null || isNaN(value)) return "–";
    var fixed = Math.abs(value).toFixed(decimals);
    var parts = fixed.split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var sign = value < 0 && Number(fixed) !== 0 ? "-" : "";
    return sign + whole + (decimals > 0 ? "," + parts[1] : "");
  }

  function update(row) {
    var input = row.querySelector("input.figure-input");
    var value = parseNumber(input.value);
    var before = row.dataset.before === "" ? null : parseFloat(row.dataset.before);
    var target = row.dataset.target === "" ? null : parseFloat(row.dataset.target);
    var decimals = parseInt(row.dataset.decimals || "0", 10);
    var after;
    if (isNaN(value)) {
      after = NaN;
    } else if (row.dataset.flow === "1") {
      after = value === null ? before : (before || 0) + value;
    } else {
      after = value === null ? before : value;
    }
    row.querySelector("[data-role=after]").textContent = formatNumber(after, decimals);
    var percent = after !== null && !isNaN(after) && target ? (after * 100) / target : null;
    row.querySelector("[data-role=percent]").textContent =
      percent === null ? "–" : formatNumber(percent, 1) + "%";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.querySelectorAll(".entry-row");
    Array.prototype.forEach.call(rows, function (row) {
      var input = row.querySelector("input.figure-input");
      if (!input || input.readOnly) return;
      input.addEventListener("input", function () { update(row); });
    });
  });
})();
