import { describe, expect, it } from "vitest";
import { voiceAnswerForm } from "./sessions";

describe("voiceAnswerForm", () => {
  it("sends the recording with a matching file name and the fields the API expects", async () => {
    const recording = new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])], { type: "audio/webm" });
    const form = voiceAnswerForm({ question_id: "q-1", duration_seconds: 41.6, transcript: "  I would start here.  ", recording });
    const audio = form.get("audio") as File;
    expect(audio.name).toBe("answer.webm");
    expect(new Uint8Array(await audio.arrayBuffer())).toEqual(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]));
    expect(form.get("question_id")).toBe("q-1");
    expect(form.get("duration_seconds")).toBe("42");
    expect(form.get("transcript")).toBe("I would start here.");
  });

  it("leaves out a blank transcript so the server can transcribe, and names Safari's mp4 as m4a", () => {
    const recording = new Blob(["x"], { type: "audio/mp4" });
    const form = voiceAnswerForm({ question_id: "q-2", duration_seconds: -3, transcript: "   ", recording });
    expect((form.get("audio") as File).name).toBe("answer.m4a");
    expect(form.get("duration_seconds")).toBe("0");
    expect(form.has("transcript")).toBe(false);
  });
});
