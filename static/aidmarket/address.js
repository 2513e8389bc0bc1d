/* 省/市/区 cascade: choosing a province loads its cities, choosing a city its districts.
   Without this script the selects still work: the server re-shows the form with the next list. */
(function () {
  "use strict";

  function fill(select, regions) {
    var prompt = select.options[0];
    select.innerHTML = "";
    select.appendChild(prompt);
    regions.forEach(function (region) {
      var option = document.createElement("option");
      option.value = region.code;
      option.textContent = region.name;
      select.appendChild(option);
    });
    select.value = "";
  }

  function load(select, query, target, after) {
    var url = select.getAttribute("data-regions-url") + "?" + query;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        fill(target, data.regions);
        if (after) { after(); }
      });
  }

  document.querySelectorAll("form").forEach(function (form) {
    var province = form.querySelector("select[data-region='province']");
    var city = form.querySelector("select[data-region='city']");
    var district = form.querySelector("select[data-region='district']");
    if (!province || !city || !district) { return; }
    province.addEventListener("change", function () {
      fill(district, []);
      if (!province.value) { fill(city, []); return; }
      load(province, "province=" + encodeURIComponent(province.value), city, function () {
        if (city.options.length === 2) {  /* a municipality: its one "city" is chosen for you */
          city.value = city.options[1].value;
          city.dispatchEvent(new Event("change"));
        }
      });
    });
    city.addEventListener("change", function () {
      if (!city.value) { fill(district, []); return; }
      load(city, "city=" + encodeURIComponent(city.value), district);
    });
  });
})();
