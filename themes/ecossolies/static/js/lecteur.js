/* Écossolies — a phone-friendly page, without changing what a page says:
   - the header's menu (sections, search, account) folds behind a « Menu » button on a narrow screen;
   - the facets of a listing fold behind a « Filtrer (N résultats) » button;
   - every wide table gets the label of its column on each cell, so CSS can stack it (label : value).
   Without this script the page stays whole (menu open, facets shown, tables scroll). Served by the wiki (CSP). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("eco-js");

  function button(text, controls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "eco-bascule";
    b.setAttribute("aria-expanded", "false");
    b.setAttribute("aria-controls", controls);
    b.textContent = text;
    return b;
  }

  function toggle(b, target, openClass) {
    b.addEventListener("click", function () {
      var open = b.getAttribute("aria-expanded") !== "true";
      b.setAttribute("aria-expanded", open ? "true" : "false");
      target.classList.toggle(openClass, open);
    });
  }

  // the header's menu
  var header = document.getElementById("moin-header");
  var menu = document.getElementById("eco-menu");
  if (header && menu) {
    var menuButton = button("Menu", "eco-menu");
    menuButton.classList.add("eco-bouton-menu");
    var brand = header.querySelector(".eco-bandeau");
    brand.insertBefore(menuButton, brand.querySelector(".eco-recherche"));
    toggle(menuButton, header, "eco-menu-ouvert");
  }

  // the facets of each listing
  var boxes = document.querySelectorAll(".eco-facettes");
  for (var i = 0; i < boxes.length; i++) {
    var box = boxes[i];
    if (!box.querySelector("a")) { continue; }
    box.id = box.id || "eco-facettes-" + i;
    var count = box.parentNode.querySelector(".eco-compte");
    var label = "Filtrer" + (count ? " (" + count.textContent.trim().split(" (")[0] + ")" : "");
    var filter = button(label, box.id);
    filter.classList.add("eco-bouton-filtrer");
    box.parentNode.insertBefore(filter, box);
    toggle(filter, box, "eco-facettes-ouvertes");
  }

  // wide tables: each cell knows its column's label. The first row is a header only when it says so (in a
  // <thead>, or all <th>, or all bold as a wiki table writes it); otherwise no row is hidden and no value becomes
  // a label: the rows are stacked as they are.
  function isHeader(row, inThead) {
    if (inThead) { return true; }
    for (var h = 0; h < row.children.length; h++) {
      var c = row.children[h], text = c.textContent.trim();
      if (c.tagName === "TH") { continue; }
      var bold = c.querySelector("strong, b");
      if (!text || !bold || bold.textContent.trim() !== text) { return false; }
    }
    return row.children.length > 0;
  }
  var tables = document.querySelectorAll("#moin-page table");
  for (var t = 0; t < tables.length; t++) {
    var table = tables[t];
    if (table.classList.contains("eco-mois") || table.classList.contains("eco-meta")) { continue; }
    var thead = table.querySelector("thead tr");
    var head = thead || table.querySelector("tr");
    if (!head || head.children.length < 2) { continue; }
    table.classList.add("eco-empilable");
    if (!isHeader(head, !!thead)) { table.classList.add("eco-sans-entete"); continue; }
    var labels = [];
    var cells = head.children;
    for (var c = 0; c < cells.length; c++) { labels.push(cells[c].textContent.trim()); }
    head.classList.add("eco-entete-tableau");
    var rows = table.querySelectorAll("tr");
    for (var r = 0; r < rows.length; r++) {
      if (rows[r] === head) { continue; }
      var col = 0;
      for (var k = 0; k < rows[r].children.length; k++) {
        var cell = rows[r].children[k];
        if (labels[col] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[col]); }
        col += cell.colSpan || 1;
      }
    }
  }
  // file fields: the browser writes « Choose File / No file chosen » in its own language; a French button
  // (a label for the field, which stays in the page, reachable by the keyboard) and the chosen file's name
  var files = document.querySelectorAll("#moin-page input[type=file]");
  for (var f = 0; f < files.length; f++) {
    var input = files[f];
    if (!input.id) { input.id = "eco-fichier-" + f; }
    var pick = document.createElement("label");
    pick.className = "eco-bouton eco-choisir-fichier";
    pick.htmlFor = input.id;
    pick.textContent = input.multiple ? "Choisir des fichiers" : "Choisir un fichier";
    var chosen = document.createElement("span");
    chosen.className = "eco-fichier-choisi";
    chosen.setAttribute("aria-live", "polite");
    chosen.textContent = "Aucun fichier choisi";
    input.classList.add("eco-fichier-cache");
    input.parentNode.insertBefore(pick, input.nextSibling);
    pick.parentNode.insertBefore(chosen, pick.nextSibling);
    input.addEventListener("change", (function (field, text) {
      return function () {
        var names = [];
        for (var n = 0; n < field.files.length; n++) { names.push(field.files[n].name); }
        text.textContent = names.length ? names.join(", ") : "Aucun fichier choisi";
      };
    })(input, chosen));
  }
})();
