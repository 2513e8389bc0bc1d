// Rotates the home page hero slides; without JavaScript the first slide stays visible.
(function () {
  document.querySelectorAll("[data-carousel]").forEach(function (carousel) {
    var slides = carousel.querySelectorAll(".cms-hero-slide");
    if (slides.length < 2) return;
    var current = 0;
    setInterval(function () {
      slides[current].classList.remove("active");
      current = (current + 1) % slides.length;
      slides[current].classList.add("active");
    }, 6000);
  });
})();
