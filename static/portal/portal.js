/* The mission portal's only script. Progressive enhancement: every page works without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The language select sends its form as soon as a language is chosen (the button remains for no-JS use).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.submit(); }
    });
  });

  // Choosing "completed" fills in 100%, so the person does not have to.
  var status = document.getElementById("id_status");
  var percent = document.getElementById("id_percent");
  if (status && percent) {
    status.addEventListener("change", function () {
      if (status.value === "completed") { percent.value = "100"; }
    });
  }

  // Coming back with the browser's Back button: the buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  // A form is sent once: a second click while the first is on its way does nothing.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (form.dataset.sending === "1") { return; }
      form.dataset.sending = "1";
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();
