/* L'éditeur de moin : les numéros de ligne à gauche du texte, pour retrouver « ligne 27 » d'un message
   d'erreur. Les lignes ne sont pas repliées (wrap="off"), pour que chaque numéro reste en face de sa ligne.
   Aucun paquet XStatic n'existe pour cela : ce petit script est servi par le thème. */
(function () {
  "use strict";
  var area = document.querySelector('textarea[name="content_form_data_text"]');
  if (!area) { return; }
  var frame = document.createElement("div");
  frame.className = "eco-numeros-cadre";
  var gutter = document.createElement("pre");
  gutter.className = "eco-numeros";
  gutter.setAttribute("aria-hidden", "true");
  area.parentNode.insertBefore(frame, area);
  frame.appendChild(gutter);
  frame.appendChild(area);
  area.setAttribute("wrap", "off");
  var style = window.getComputedStyle(area);
  gutter.style.font = style.font;
  gutter.style.lineHeight = style.lineHeight;
  gutter.style.paddingTop = style.paddingTop;
  var shown = 0;
  function update() {
    var count = area.value.split("\n").length;
    if (count !== shown) {
      var lines = [];
      for (var i = 1; i <= count; i++) { lines.push(String(i)); }
      gutter.textContent = lines.join("\n") + "\n";
      shown = count;
    }
    gutter.scrollTop = area.scrollTop;
  }
  area.addEventListener("input", update);
  area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
  update();
}());
