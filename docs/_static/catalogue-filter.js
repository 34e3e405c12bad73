// The filter box of a generated catalogue (docs/_ext/timm_catalogue.py): shows the rows that
// contain every word typed (case-insensitive; a word may also name the family), opens the
// families that have some, hides the others, and says how many match. "?q=words" in the page's
// address fills it in, so a filtered catalogue can be linked to.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.catalogue-filter").forEach(function (input) {
    var groups = Array.from(document.querySelectorAll("details.catalogue-group"));
    var count = document.querySelector(".catalogue-count");
    var total = count ? Number(count.dataset.total).toLocaleString("en") : "";
    var rows = groups.map(function (group) {
      return Array.from(group.querySelectorAll("tbody tr")).map(function (row) {
        return { row: row, text: row.textContent.toLowerCase() };
      });
    });

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      groups.forEach(function (group, index) {
        var family = group.dataset.family.toLowerCase();
        var matching = 0;
        rows[index].forEach(function (item) {
          var match = words.every(function (word) {
            return item.text.includes(word) || family.includes(word);
          });
          item.row.hidden = !match;
          if (match) matching += 1;
        });
        group.hidden = matching === 0;
        group.open = words.length > 0 && matching > 0;
        shown += matching;
      });
      if (count) {
        count.textContent = words.length
          ? shown + " of " + total + " weights match"
          : total + " weights";
      }
    }

    input.addEventListener("input", apply);
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      input.value = query;
      apply();
    }
  });
});
