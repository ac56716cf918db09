import { JSDOM } from "jsdom";
import { readFileSync } from "fs";
const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
const text = readFileSync(process.argv[2], "utf8");
try { const r = await mermaid.parse(text); console.log("ok", JSON.stringify(r)); }
catch (e) { console.log("error", e.message); process.exit(1); }
