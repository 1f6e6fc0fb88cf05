// Names for the controls Swagger UI builds without one. After "Try it out", a parameter
// with a list of choices is a <select> with no label: it gets the parameter's name, which
// its table row carries. The button that closes the "Authorize" dialog is a picture of a
// cross: it is named "Close" (the page is in English). An example is a box that may
// scroll, which a keyboard must be able to reach. Swagger UI draws and redraws the
// page as the reader opens operations, so every change to the page is looked at.
(() => {
  "use strict";

  const nameControls = (root) => {
    for (const control of root.querySelectorAll(
      "tr[data-param-name] select:not([aria-label]), tr[data-param-name] input:not([aria-label])"
    )) {
      const row = control.closest("tr[data-param-name]");
      control.setAttribute("aria-label", row.dataset.paramName);
    }
    for (const button of root.querySelectorAll(".close-modal:not([aria-label])")) {
      button.setAttribute("aria-label", "Close");
    }
    for (const example of root.querySelectorAll(".highlight-code > pre:not([tabindex])")) {
      example.setAttribute("tabindex", "0");
    }
  };

  const root = document.getElementById("swagger-ui");
  new MutationObserver(() => nameControls(root)).observe(root, { childList: true, subtree: true });
})();
