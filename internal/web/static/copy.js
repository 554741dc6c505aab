// Copy buttons for citations: the citation text is on the page to select
// by hand; this only adds a button that copies it in one click.
"use strict";
document.querySelectorAll("button.copy-cite").forEach(function (b) {
  if (!navigator.clipboard) {
    return;
  }
  b.hidden = false;
  b.addEventListener("click", function () {
    navigator.clipboard.writeText(b.dataset.copy).then(function () {
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = "Copy citation"; }, 2000);
    }, function () {
      b.textContent = "Copy failed: select the text";
    });
  });
});
