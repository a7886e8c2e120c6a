/* Les formulaires des pages structurées (plugins/web/schema_forms.py) : lignes répétables (ajouter, retirer,
   déplacer), carte pour placer un lieu (Leaflet servi par le wiki), SIRET et RNA vérifiés à la frappe.
   Sans script, le formulaire marche aussi : une ligne vide de plus est offerte à chaque enregistrement. */
(function () {
  "use strict";

  function idPart(text) { return text.replace(/[^A-Za-z0-9_-]/g, "_"); }

  function button(label, css, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "eco-bouton-ligne " + css;
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  function renumber(list) {
    var prefix = list.getAttribute("data-eco-lignes");
    var nameRe = new RegExp("^" + prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\.\\d+");
    var idPrefix = "f_" + idPart(prefix) + "_";
    var idRe = new RegExp(idPrefix.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&") + "\\d+", "g");
    var rows = list.querySelectorAll(":scope > [data-eco-ligne]");
    rows.forEach(function (row, i) {
      row.querySelectorAll("[name]").forEach(function (el) {
        el.name = el.name.replace(nameRe, prefix + "." + i);
      });
      ["id", "for", "aria-describedby"].forEach(function (attr) {
        row.querySelectorAll("[" + attr + "]").forEach(function (el) {
          el.setAttribute(attr, el.getAttribute(attr).replace(idRe, idPrefix + i));
        });
      });
      var number = row.querySelector(".eco-numero");
      if (number) { number.textContent = (i + 1) + "."; }
      row.querySelectorAll("label.eco-invisible").forEach(function (label) {
        label.textContent = label.textContent.replace(/\d+$/, String(i + 1));
      });
    });
  }

  function clear(row) {
    row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
    row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
    row.querySelectorAll(".eco-erreur").forEach(function (el) { el.remove(); });
  }

  function addControls(list, row) {
    var movable = list.hasAttribute("data-eco-deplacer");
    var tools = document.createElement("span");
    tools.className = "eco-outils-ligne";
    if (movable) {
      tools.appendChild(button("Monter", "eco-monter", function () {
        var prev = row.previousElementSibling;
        if (prev) { list.insertBefore(row, prev); renumber(list); this.focus(); }
      }));
      tools.appendChild(button("Descendre", "eco-descendre", function () {
        var next = row.nextElementSibling;
        if (next) { list.insertBefore(next, row); renumber(list); this.focus(); }
      }));
    }
    tools.appendChild(button("Retirer", "eco-retirer", function () {
      if (list.querySelectorAll(":scope > [data-eco-ligne]").length > 1) {
        var focusNext = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        renumber(list);
        var field = focusNext && focusNext.querySelector("input, textarea, select");
        if (field) { field.focus(); }
      } else { clear(row); }
    }));
    row.appendChild(tools);
  }

  document.querySelectorAll("[data-eco-lignes]").forEach(function (list) {
    list.querySelectorAll(":scope > [data-eco-ligne]").forEach(function (row) { addControls(list, row); });
    var add = button("Ajouter une ligne", "eco-ajouter", function () {
      var rows = list.querySelectorAll(":scope > [data-eco-ligne]");
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll(".eco-outils-ligne").forEach(function (el) { el.remove(); });
      clear(copy);
      list.appendChild(copy);
      addControls(list, copy);
      renumber(list);
      var field = copy.querySelector("input, textarea, select");
      if (field) { field.focus(); }
    });
    list.parentNode.insertBefore(add, list.nextSibling);
    var hint = list.parentNode.querySelector(".eco-sans-script");
    if (hint) { hint.remove(); }
  });

  /* SIRET : 14 chiffres dont le dernier est une clé de Luhn ; les établissements de La Poste (SIREN 356000000)
     ont la somme de leurs chiffres multiple de 5, son siège (35600000000048) suit Luhn comme les autres. */
  function siretOk(digits) {
    if (!/^\d{14}$/.test(digits)) { return false; }
    var sum = 0;
    for (var i = 0; i < 14; i++) {
      var d = Number(digits.charAt(13 - i));
      if (i % 2 === 1) { d *= 2; if (d > 9) { d -= 9; } }
      sum += d;
    }
    if (sum % 10 === 0) { return true; }
    return digits.indexOf("356000000") === 0 &&
      digits.split("").reduce(function (s, d) { return s + Number(d); }, 0) % 5 === 0;
  }

  document.querySelectorAll("[data-eco-verifier]").forEach(function (input) {
    var kind = input.getAttribute("data-eco-verifier");
    var out = input.parentNode.querySelector(".eco-verification");
    function check() {
      var text = input.value.replace(/[\s.\-\u00a0\u202f]/g, "");
      var message = "";
      if (text && kind === "siret") {
        if (!/^\d{14}$/.test(text)) { message = "Un SIRET a 14 chiffres (" + text.replace(/\D/g, "").length + " tapés)."; }
        else if (!siretOk(text)) { message = "Ce SIRET n'existe pas : sa clé de contrôle est fausse (vérifiez les chiffres)."; }
      }
      if (text && kind === "rna" && !/^W\d{9}$/i.test(text)) { message = "Un numéro RNA s'écrit W suivi de 9 chiffres."; }
      input.setCustomValidity(message);
      if (out) { out.textContent = message; out.className = "eco-verification" + (message ? " eco-erreur" : ""); }
    }
    input.addEventListener("change", check);
    input.addEventListener("input", function () { if (out && out.textContent) { check(); } });
  });

  /* Une petite carte pour placer un lieu : un clic remplit la latitude et la longitude. */
  document.querySelectorAll("[data-eco-carte]").forEach(function (div) {
    if (!window.L) { div.remove(); return; }
    var name = div.getAttribute("data-eco-carte");
    var lat = document.getElementById("f_" + idPart(name + ".lat"));
    var lon = document.getElementById("f_" + idPart(name + ".lon"));
    var region = div.getAttribute("data-region").split(",").map(Number);
    var here = function () {
      var a = parseFloat((lat.value || "").replace(",", ".")), o = parseFloat((lon.value || "").replace(",", "."));
      return isFinite(a) && isFinite(o) ? [a, o] : null;
    };
    var start = here();
    var map = L.map(div, { scrollWheelZoom: false }).setView(start || [(region[0] + region[1]) / 2, (region[2] + region[3]) / 2], start ? 15 : 8);
    L.tileLayer(div.getAttribute("data-tuiles"), { maxZoom: 19, attribution: div.getAttribute("data-attribution") }).addTo(map);
    var marker = start ? L.marker(start).addTo(map) : null;
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(5);
      lon.value = e.latlng.lng.toFixed(5);
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var p = here();
        if (!p) { return; }
        if (marker) { marker.setLatLng(p); } else { marker = L.marker(p).addTo(map); }
        map.setView(p, Math.max(map.getZoom(), 13));
      });
    });
  });
}());
