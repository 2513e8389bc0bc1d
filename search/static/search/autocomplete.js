// Search-box suggestions as you type: products, categories and counties from /search/autocomplete/.
(function () {
  "use strict";
  var input = document.querySelector('form[action$="/search/"] input[name="q"], input[name="q"][type="search"]');
  if (!input || !window.fetch) { return; }
  var endpoint = input.getAttribute("data-autocomplete-url") || "/search/autocomplete/";
  var box = document.createElement("div");
  box.className = "search-suggestions dropdown-menu";
  box.setAttribute("role", "listbox");
  input.setAttribute("autocomplete", "off");
  input.parentNode.style.position = "relative";
  input.parentNode.appendChild(box);
  var timer = null, latest = 0;

  function hide() { box.classList.remove("show"); box.innerHTML = ""; }

  function section(title, items, label) {
    if (!items.length) { return; }
    var header = document.createElement("h6");
    header.className = "dropdown-header";
    header.textContent = title;
    box.appendChild(header);
    items.forEach(function (item) {
      var link = document.createElement("a");
      link.className = "dropdown-item";
      link.href = item.url;
      link.textContent = item[label];
      box.appendChild(link);
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { hide(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(endpoint + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || ticket !== latest) { return; }
          box.innerHTML = "";
          section(box.dataset.products || "商品", data.products, "title");
          section(box.dataset.categories || "分类", data.categories, "name");
          section(box.dataset.counties || "产地", data.counties, "name");
          box.classList.toggle("show", box.children.length > 0);
        })
        .catch(hide);
    }, 150);
  });
  input.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
  document.addEventListener("click", function (event) { if (!box.contains(event.target) && event.target !== input) { hide(); } });
})();
