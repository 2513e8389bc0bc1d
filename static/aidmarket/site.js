// Storefront behaviour on top of pages that work without it: the filter drawer, "load more", the
// quantity stepper, the certificate sheet, the gallery's dots, and closing the menu.
(function () {
  "use strict";

  // Filter drawer: #filters opens by :target without JavaScript; with it, open as a dialog-like panel.
  var drawer = document.getElementById("filters");
  if (drawer) {
    var opener = document.querySelector("[data-drawer-open]");
    var close = function (event) {
      if (event) { event.preventDefault(); }
      drawer.classList.remove("is-open");
      if (location.hash === "#filters") { history.replaceState(null, "", location.pathname + location.search); }
      if (opener) { opener.setAttribute("aria-expanded", "false"); opener.focus(); }
    };
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      opener.addEventListener("click", function (event) {
        event.preventDefault();
        drawer.classList.add("is-open");
        opener.setAttribute("aria-expanded", "true");
        drawer.focus();
      });
    }
    document.querySelectorAll("[data-drawer-close]").forEach(function (link) { link.addEventListener("click", close); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.classList.contains("is-open")) { close(event); }
    });
  }

  // Load more: fetch the next page (a page of its own at ?page=N) and append its cards.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-load-more]");
    if (!link || !window.fetch || !window.DOMParser) { return; }
    var list = document.querySelector("[data-listing]");
    var nav = link.closest("[data-load-more-nav]");
    if (!list || !nav) { return; }
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        var items = next.querySelectorAll("[data-listing] > li");
        var firstNew = null;
        items.forEach(function (item) {
          var node = document.importNode(item, true);
          list.appendChild(node);
          if (!firstNew) { firstNew = node; }
        });
        var nextNav = next.querySelector("[data-load-more-nav]");
        if (nextNav) { nav.replaceWith(document.importNode(nextNav, true)); } else { nav.remove(); }
        history.replaceState(null, "", link.href);
        var firstLink = firstNew && firstNew.querySelector("a[href]:not([tabindex='-1'])");
        if (firstLink) { firstLink.focus({ preventScroll: true }); }
      })
      .catch(function () { window.location.href = link.href; });
  });

  // Quantity stepper.
  document.querySelectorAll("[data-stepper]").forEach(function (stepper) {
    var input = stepper.querySelector("input");
    stepper.querySelectorAll("[data-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        var min = parseInt(input.min || "1", 10), max = parseInt(input.max || "0", 10);
        var value = (parseInt(input.value, 10) || min) + parseInt(button.getAttribute("data-step"), 10);
        if (value < min) { value = min; }
        if (max && value > max) { value = max; }
        input.value = value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  });

  // Sheets (<dialog>).
  document.querySelectorAll("[data-dialog-open]").forEach(function (button) {
    var dialog = document.getElementById(button.getAttribute("data-dialog-open"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    button.addEventListener("click", function () { dialog.showModal(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) { dialog.close(); } });
  });

  // Gallery: mark the dot of the photo in view.
  document.querySelectorAll(".gallery").forEach(function (gallery) {
    var track = gallery.querySelector(".gallery__track");
    var dots = gallery.querySelectorAll(".gallery__dots a");
    if (!track || !dots.length) { return; }
    track.addEventListener("scroll", function () {
      var index = Math.round(track.scrollLeft / track.clientWidth);
      dots.forEach(function (dot, i) { if (i === index) { dot.setAttribute("aria-current", "true"); } else { dot.removeAttribute("aria-current"); } });
    }, { passive: true });
    dots.forEach(function (dot, i) {
      dot.addEventListener("click", function (event) {
        event.preventDefault();
        track.scrollTo({ left: i * track.clientWidth });
      });
    });
  });

  // The menu closes when a click lands outside it.
  var menu = document.querySelector(".site-menu");
  if (menu) {
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  }
})();
