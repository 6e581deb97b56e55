import { describe, expect, it } from "vitest";
import {
  improvementsWithoutClaims,
  keyPointName,
  keyPointStatus,
  locate,
  locateAll,
  mergeRanges,
  segment,
  summaryWithoutScore,
  type Highlight,
  type Misconception,
} from "./evidence";

const cp = (s: string) => Array.from(s);
/** The code-point offsets of `quote` in `text` (what the API sends). */
function evidenceFor(text: string, quote: string) {
  const i = text.indexOf(quote);
  const start = Array.from(text.slice(0, i)).length;
  return { start, end: start + Array.from(quote).length, quote };
}
const sliceOf = (text: string, r: { start: number; end: number } | null) => (r ? cp(text).slice(r.start, r.end).join("") : null);

describe("locate (code-point offsets)", () => {
  it("uses code points, not UTF-16 units, after emoji and accents", () => {
    const text = "Zoë 👩🏽‍💻 said 🚀🚀: it's a 97% chance the variant is better.";
    const ev = evidenceFor(text, "it's a 97% chance the variant is better.");
    // The same numbers as UTF-16 indices would point elsewhere: the emoji are two units each.
    expect(text.slice(ev.start, ev.end)).not.toBe(ev.quote);
    const r = locate(cp(text), ev);
    expect(r).toEqual({ start: ev.start, end: ev.end });
    expect(sliceOf(text, r)).toBe(ev.quote);
  });

  it("counts a decomposed accent (e + combining acute) as two code points", () => {
    const text = "Cafe\u0301 owners said the effect size matters.";
    const ev = evidenceFor(text, "the effect size matters.");
    expect(ev.start).toBe(Array.from("Cafe\u0301 owners said ").length);
    expect(locate(cp(text), ev)).toEqual({ start: ev.start, end: ev.end });
  });

  it("falls back to searching for the quote when the offsets don't match it (e.g. UTF-16 offsets)", () => {
    const text = "🙂🙂 We saw p = 0.03. I'd report the effect size.";
    const quote = "I'd report the effect size.";
    const utf16 = { start: text.indexOf(quote), end: text.indexOf(quote) + quote.length, quote };
    const r = locate(cp(text), utf16);
    expect(sliceOf(text, r)).toBe(quote);
    expect(r!.start).toBe(utf16.start - 2); // two astral characters before it
  });

  it("picks the occurrence nearest to the given offsets when the quote repeats", () => {
    const text = "It matters. Then more text here. It matters.";
    const second = text.lastIndexOf("It matters.");
    const r = locate(cp(text), { start: second + 3, end: second + 20, quote: "It matters." });
    expect(r).toEqual({ start: second, end: second + "It matters.".length });
    const first = locate(cp(text), { start: 1, end: 5, quote: "It matters." });
    expect(first).toEqual({ start: 0, end: 11 });
  });

  it("finds a quote with stray surrounding whitespace", () => {
    const text = "One. Two three.";
    expect(sliceOf(text, locate(cp(text), { start: 90, end: 99, quote: " Two three. " }))).toBe("Two three.");
  });

  it("highlights nothing when the quote is not in the answer, is empty, or offsets are out of range without a match", () => {
    const text = "A short answer.";
    expect(locate(cp(text), { start: 0, end: 5, quote: "something else" })).toBeNull();
    expect(locate(cp(text), { start: 0, end: 0, quote: "" })).toBeNull();
    expect(locate(cp(text), { start: 10, end: 400, quote: "not here" })).toBeNull();
    expect(locate(cp(text), { start: -3, end: 2, quote: "A short" })).toEqual({ start: 0, end: 7 });
  });
});

describe("mergeRanges / locateAll", () => {
  it("merges overlapping and adjacent ranges of one key point, keeps separate ones apart", () => {
    expect(mergeRanges([{ start: 10, end: 20 }, { start: 0, end: 5 }, { start: 15, end: 25 }, { start: 25, end: 30 }, { start: 40, end: 41 }, { start: 7, end: 7 }])).toEqual([
      { start: 0, end: 5 },
      { start: 10, end: 30 },
      { start: 40, end: 41 },
    ]);
  });

  it("drops evidence it cannot find", () => {
    const text = "First point. Second point.";
    expect(locateAll(cp(text), [evidenceFor(text, "Second point."), { start: 0, end: 3, quote: "missing" }])).toEqual([{ start: 13, end: 26 }]);
    expect(locateAll(cp(text), undefined)).toEqual([]);
  });
});

describe("segment", () => {
  const h = (id: string, start: number, end: number, kind: Highlight["kind"] = "point"): Highlight => ({ id, group: id, kind, range: { start, end } });

  it("returns the whole text as one plain run without highlights", () => {
    expect(segment(cp("Hello"), [])).toEqual([{ start: 0, end: 5, text: "Hello", highlights: [], opens: [], closes: [] }]);
  });

  it("splits overlapping highlights into shared and unshared runs", () => {
    const text = "0123456789";
    const a = h("a", 2, 6);
    const b = h("b", 4, 8, "claim");
    const segs = segment(cp(text), [a, b]);
    expect(segs.map((s) => [s.text, s.highlights.map((x) => x.id).join("+")])).toEqual([
      ["01", ""],
      ["23", "a"],
      ["45", "a+b"],
      ["67", "b"],
      ["89", ""],
    ]);
    expect(segs[1].opens.map((x) => x.id)).toEqual(["a"]);
    expect(segs[2].opens.map((x) => x.id)).toEqual(["b"]);
    expect(segs[2].closes.map((x) => x.id)).toEqual(["a"]);
    expect(segs[3].closes.map((x) => x.id)).toEqual(["b"]);
  });

  it("keeps adjacent highlights as separate runs, with no gap between them", () => {
    const segs = segment(cp("abcdef"), [h("a", 0, 3), h("b", 3, 6)]);
    expect(segs.map((s) => [s.text, s.highlights.map((x) => x.id).join("+")])).toEqual([
      ["abc", "a"],
      ["def", "b"],
    ]);
    expect(segs[0].closes.map((x) => x.id)).toEqual(["a"]);
    expect(segs[1].opens.map((x) => x.id)).toEqual(["b"]);
  });

  it("handles a highlight nested inside another", () => {
    const segs = segment(cp("abcdefgh"), [h("outer", 1, 7), h("inner", 3, 5)]);
    expect(segs.map((s) => [s.text, s.highlights.map((x) => x.id).join("+")])).toEqual([
      ["a", ""],
      ["bc", "outer"],
      ["de", "outer+inner"],
      ["fg", "outer"],
      ["h", ""],
    ]);
  });

  it("splits on code points, so emoji are never cut in half, and rebuilds the text exactly", () => {
    const text = "Zoë 👍🏽 said 97% 🎉 done";
    const chars = cp(text);
    const ev = evidenceFor(text, "👍🏽 said 97%");
    const segs = segment(chars, [h("x", ev.start, ev.end)]);
    expect(segs.map((s) => s.text).join("")).toBe(text);
    expect(segs.find((s) => s.highlights.length)!.text).toBe("👍🏽 said 97%");
  });

  it("clamps ranges to the text and ignores empty ones", () => {
    const segs = segment(cp("abc"), [h("x", 2, 99), h("y", 1, 1)]);
    expect(segs.map((s) => [s.text, s.highlights.map((x) => x.id).join("+")])).toEqual([
      ["ab", ""],
      ["c", "x"],
    ]);
  });
});

describe("key point helpers", () => {
  it("derives the status of older evaluations from covered", () => {
    expect(keyPointStatus({ point: "p", covered: true })).toBe("covered");
    expect(keyPointStatus({ point: "p", covered: false })).toBe("missed");
    expect(keyPointStatus({ point: "p", covered: false, status: "contradicted" })).toBe("contradicted");
  });

  it("names a point by its label, falling back to the point", () => {
    expect(keyPointName({ point: "A long point", label: "Short", covered: true })).toBe("Short");
    expect(keyPointName({ point: "A long point", label: null, covered: true })).toBe("A long point");
    expect(keyPointName({ point: "A long point", label: "  ", covered: true })).toBe("A long point");
  });
});

describe("feedback copy", () => {
  it("drops the score sentence the ring already shows", () => {
    expect(summaryWithoutScore('23/100 for this technical answer. Covers 1 of 4 key points; the biggest gap is "X".', 23)).toBe('Covers 1 of 4 key points; the biggest gap is "X".');
    expect(summaryWithoutScore("0/100: no answer was given.", 0)).toBe("No answer was given.");
    expect(summaryWithoutScore("40/100 for this case answer. Fine.", 41)).toBe("40/100 for this case answer. Fine.");
    expect(summaryWithoutScore("A clear, well-structured answer.", 80)).toBe("A clear, well-structured answer.");
  });

  it("drops improvements that only repeat a wrong claim shown with its correction", () => {
    const claim = { claim: "c", correction: "x", dimension: "correctness", evidence: { start: 0, end: 10, quote: "It is a 97% chance it's better." } } satisfies Misconception;
    expect(improvementsWithoutClaims(['You said "It is a 97% chance it\'s better." — x', "Compare options."], [claim])).toEqual(["Compare options."]);
    expect(improvementsWithoutClaims(["Compare options."], [])).toEqual(["Compare options."]);
  });
});
