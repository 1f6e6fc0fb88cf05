// Starts Redoc on the API documentation page. Redoc styles itself by adding <style>
// elements; it gives them this script's CSP nonce, which the page's policy allows.
(function () {
  "use strict";
  var script = document.currentScript;
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schemaUrl, { nonce: script.nonce }, container);
})();
