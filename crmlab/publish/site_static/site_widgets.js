/* crmlab static site: give the sliders the html-manager renders from the stored widget state
 * the accessible name their visible description already says (axe: aria-input-field-name). */
(function () {
  "use strict";
  function name(root) {
    Array.prototype.forEach.call(root.querySelectorAll('[role="slider"]:not([aria-label])'),
      function (handle) {
        var box = handle.closest(".widget-slider, .widget-hslider, .widget-vslider");
        var label = box && box.querySelector(".widget-label");
        var words = label && label.textContent.trim();
        handle.setAttribute("aria-label", words || "slider");
      });
  }
  new MutationObserver(function () { name(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
}());
