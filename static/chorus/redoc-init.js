// Starts Redoc on the API documentation page. Redoc styles itself by adding <style>
// elements; it gives them this script's CSP nonce, which the page's policy allows.
(function () {
  "use strict";
  var script = document.currentScript;
  var container = document.getElementById("redoc-container");
  // Redoc's own response colours are too pale on their tints to read (WCAG AA asks 4.5:1);
  // these are the site's status colours (LOOK.md), dark text on a light tint. The tabs
  // of the dark sample panel keep light text.
  function response(color, backgroundColor, tabTextColor) {
    return { color: color, backgroundColor: backgroundColor, tabTextColor: tabTextColor };
  }
  var theme = {
    colors: {
      responses: {
        success: response("#1E5E2E", "#E6F4EA", "#8FD19E"),
        redirect: response("#8A4B00", "#FFF1DB", "#FFC870"),
        error: response("#8B1A1A", "#FBE9E9", "#FF9E9E"),
        info: response("#1D4F91", "#E8F0FB", "#8EC8EF"),
      },
    },
    typography: { code: { color: "#A11D1D" } },
  };
  Redoc.init(container.dataset.schemaUrl, { nonce: script.nonce, theme: theme }, container);
})();
