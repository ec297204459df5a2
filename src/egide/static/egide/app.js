// Égide's page behaviour: the form dialog, change confirmations, and error notices. No inline scripts:
// the content security policy forbids them.
(function () {
  "use strict";

  function dialog() {
    return document.getElementById("dialog");
  }

  function toast(message, kind) {
    const region = document.getElementById("toasts");
    if (!region || !message) return;
    const item = document.createElement("p");
    item.className = "toast toast-" + (kind || "success");
    item.textContent = message;
    region.appendChild(item);
    window.setTimeout(function () {
      item.classList.add("leaving");
      window.setTimeout(function () { item.remove(); }, 400);
    }, 5000);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    if (target && target.id === "dialog-content") {
      const box = dialog();
      if (box && !box.open) box.showModal();
      // A stale edit's notice comes first: on a phone, focusing the first field would scroll it out of sight.
      const first = target.querySelector("#edit-conflict") ||
        target.querySelector(".has-error input, .has-error select, .has-error textarea") ||
        target.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    }
  });

  document.addEventListener("click", function (event) {
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      event.preventDefault();
      const box = dialog();
      if (box && box.open) box.close();
    }
  });

  document.body.addEventListener("egide:changed", function (event) {
    const box = dialog();
    if (box && box.open) box.close();
    toast(event.detail && event.detail.message, "success");
  });

  // 422: the part sent back holds the refused form with its messages (an answer, a citation, a comment beside an
  // assessment's question): it is swapped in like a success, so that the messages show where they belong.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    const messages = document.body.dataset;
    toast((messages.errorMessage || "Error") + " (" + status + ")", "error");
  });

  // Keep one export menu open at a time, and close it when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // A box that scrolls sideways (a wide table on a phone) is given a place in the tab order while it does, so that
  // a keyboard can scroll it as a pointer can.
  function markScrollingBoxes() {
    document.querySelectorAll(".table-scroll, main table").forEach(function (box) {
      const scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "true";
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollingBoxes);
  } else {
    markScrollingBoxes();
  }
  document.addEventListener("htmx:afterSettle", markScrollingBoxes);
  window.addEventListener("resize", markScrollingBoxes);
})();
