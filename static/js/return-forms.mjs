// The return's forms, enhanced (the server stays the source of truth; everything works without
// this): a warning before leaving a form with typing not yet saved, and indicator 1's row totals
// kept up to date while typing.

const watched = document.querySelectorAll("form[data-wres-warn-unsaved]");
let unsaved = false;
for (const form of watched) {
  form.addEventListener("input", () => {
    unsaved = true;
  });
  form.addEventListener("submit", () => {
    unsaved = false;
  });
}
window.addEventListener("beforeunload", (event) => {
  if (unsaved) {
    event.preventDefault();
    event.returnValue = "";
  }
});

const WHOLE = /^\d+$/;

function rowTotal(row) {
  let total = 0;
  for (const input of row.querySelectorAll("input.nhsuk-input")) {
    const text = input.value.replaceAll(",", "").trim();
    if (!WHOLE.test(text)) {
      return "";
    }
    total += Number(text);
  }
  return total.toLocaleString("en-GB");
}

for (const table of document.querySelectorAll("table[data-wres-live-totals]")) {
  table.addEventListener("input", (event) => {
    const row = event.target.closest("tr");
    const cell = row ? row.querySelector("[data-wres-row-total]") : null;
    if (cell) {
      cell.textContent = rowTotal(row);
    }
  });
}
