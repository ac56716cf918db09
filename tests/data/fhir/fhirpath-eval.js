// Evaluates FHIRPath with fhirpath.js (the HL7/NLM implementation LHC-Forms uses), for
// tests/test_fhir_paths.py: reads [{resource, expression, release}, ...] (release R5 or R4B)
// as JSON on stdin and writes one result (a list of values, or {"error": message}) per case
// as JSON on stdout.
"use strict";
const fhirpath = require("fhirpath");
const models = {
  R4B: require("fhirpath/fhir-context/r4"),
  R5: require("fhirpath/fhir-context/r5"),
};

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(({ resource, expression, release }) => {
    try {
      return fhirpath.evaluate(resource, expression, { resource }, models[release]);
    } catch (error) {
      return { error: String(error.message || error) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
