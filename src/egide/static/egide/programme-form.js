// The programme form's rows: "Add a line" copies the formset's empty row (a <template>) with the next index, so
// that countries, participants, sectors, actors and places are added without a round trip. No inline scripts.
(function () {
  "use strict";

  function addRow(button) {
    const prefix = button.dataset.addRow;
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const template = document.getElementById(prefix + "-empty-row");
    const body = document.getElementById(prefix + "-rows");
    if (!total || !template || !body) {
      return;
    }
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const added = body.lastElementChild;
    const first = added && added.querySelector("input, select");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-add-row]");
    if (button) {
      event.preventDefault();
      addRow(button);
    }
  });
})();
