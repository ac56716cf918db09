// Renders each case of window.CASES ({questionnaire, response, release}) with LHC-Forms,
// the response loaded into the form, and writes what it shows into <pre id="result"> as
// JSON: per case, the element ids of the items drawn (hidden items are not drawn), the
// QuestionnaireResponse LHC-Forms gives back, and any error. For tests/test_fhir_lforms.py.
"use strict";

async function renderCase(spec, index) {
  const container = document.createElement("div");
  container.id = "case-" + index;
  document.body.appendChild(container);
  const fhirVersion = spec.release === "R5" ? "R5" : "R4";
  try {
    await LForms.Util.addFormToPage(spec.questionnaire, container, {
      questionnaireResponse: spec.response,
      fhirVersion: fhirVersion,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const drawn = Array.from(container.querySelectorAll("lhc-item[id^='item-']"), (e) => e.id);
    const back = LForms.Util.getFormFHIRData("QuestionnaireResponse", fhirVersion, container);
    return { drawn: drawn, response: back };
  } catch (error) {
    return { error: String((error && error.message) || error) };
  } finally {
    if (!spec.keep) container.remove();
  }
}

async function renderAll() {
  const results = [];
  for (let index = 0; index < window.CASES.length; index += 1) {
    results.push(await renderCase(window.CASES[index], index));
  }
  const done = document.createElement("pre");
  done.id = "result";
  done.textContent = JSON.stringify(results);
  document.body.appendChild(done);
}

window.addEventListener("load", () => {
  renderAll();
});
