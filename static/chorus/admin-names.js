// Names for the admin's widgets that Django's own scripts build without one.
//
// Select2, behind every autocomplete field, hides the <select> and shows a combobox of
// its own, named only by the option chosen (so an empty one has no name), and a search
// box with no name at all. Each gets the name of the field: its <label>, or in a table
// of inline rows the aria-label the row's template gave the <select> from its column's
// heading. The filter boxes of a "horizontal" many-to-many field carry a help icon whose
// aria-label is not allowed on a plain <span>: it becomes an image.
//
// Loaded with `defer` after the admin's scripts, so that what is registered here runs
// after them: Select2 is set up on jQuery's ready and on "formset:added", the filter
// boxes on the window's load.
(() => {
  "use strict";

  const nameOf = (select) => {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    if (label) return { label, text: label.textContent.trim().replace(/:$/, "") };
    const text = select.getAttribute("aria-label");
    return text ? { label: null, text } : null;
  };

  const nameSelect2 = (select) => {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2-container")) return;
    const name = nameOf(select);
    if (!name) return;
    const combobox = container.querySelector(".select2-selection");
    if (combobox) {
      const chosen = combobox.querySelector(".select2-selection__rendered[id]");
      if (chosen) {
        // Select2 marks the option chosen as a read-only textbox inside the combobox: a
        // second, nameless field for a screen reader, where there is only the one.
        chosen.removeAttribute("role");
        chosen.removeAttribute("aria-readonly");
      }
      if (name.label) {
        if (!name.label.id) name.label.id = `${select.id}-label`;
        // Select2 names the combobox by the option chosen: the field's label goes first.
        combobox.setAttribute(
          "aria-labelledby",
          chosen ? `${name.label.id} ${chosen.id}` : name.label.id,
        );
      } else {
        combobox.removeAttribute("aria-labelledby");
        combobox.setAttribute("aria-label", name.text);
      }
    }
    // A multiple choice's search box sits in the combobox; a single one's opens below it.
    for (const search of container.querySelectorAll(".select2-search__field")) {
      search.setAttribute("aria-label", name.text);
    }
  };

  const nameSelect2Within = (root) => {
    for (const select of root.querySelectorAll("select.admin-autocomplete")) {
      nameSelect2(select);
    }
  };

  if (window.django && django.jQuery) {
    const $ = django.jQuery;
    $(() => nameSelect2Within(document));
    document.addEventListener("formset:added", (event) => nameSelect2Within(event.target));
    $(document).on("select2:open", "select.admin-autocomplete", (event) => {
      const name = nameOf(event.target);
      const search = document.querySelector(".select2-container--open .select2-search__field");
      if (name && search) search.setAttribute("aria-label", name.text);
    });
  }

  window.addEventListener("load", () => {
    for (const icon of document.querySelectorAll(".search-label-icon[aria-label]")) {
      icon.setAttribute("role", "img");
    }
  });
})();
