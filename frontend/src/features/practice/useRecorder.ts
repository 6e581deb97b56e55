import { useCallback, useEffect, useRef, useState } from "react";

/** Containers the server accepts, in order of preference (Chromium/Firefox: webm; Safari: mp4). */
const MIME_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

export function isRecordingSupported(): boolean {
  return typeof MediaRecorder !== "undefined" && !!globalThis.navigator?.mediaDevices?.getUserMedia;
}

function pickMimeType(): string | undefined {
  if (typeof MediaRecorder === "undefined" || typeof MediaRecorder.isTypeSupported !== "function") return undefined;
  return MIME_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
}

export type RecorderState = "idle" | "requesting" | "recording" | "stopped";

export interface Recording {
  blob: Blob;
  url: string;
  seconds: number;
}

/** Records from the microphone with MediaRecorder; the result is a Blob the API accepts as is. */
export function useRecorder() {
  const [state, setState] = useState<RecorderState>("idle");
  const [error, setError] = useState<string | null>(null);
  const [recording, setRecording] = useState<Recording | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const recorder = useRef<MediaRecorder | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const startedAt = useRef(0);
  const timer = useRef<number | null>(null);

  const stopTracks = useCallback(() => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    if (timer.current != null) window.clearInterval(timer.current);
    timer.current = null;
  }, []);

  useEffect(
    () => () => {
      if (recorder.current?.state === "recording") recorder.current.stop();
      stopTracks();
    },
    [stopTracks],
  );
  useEffect(() => () => void (recording && URL.revokeObjectURL(recording.url)), [recording]);

  const start = useCallback(async () => {
    setError(null);
    if (!isRecordingSupported()) {
      setError("Recording isn't available in this browser — type your answer instead.");
      return;
    }
    setState("requesting");
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      setState(recording ? "stopped" : "idle");
      const name = (e as { name?: string }).name;
      setError(
        name === "NotAllowedError"
          ? "Microphone access was blocked. Allow it in your browser's site settings, or type your answer."
          : "No microphone could be opened. Check it's connected, or type your answer.",
      );
      return;
    }
    const mimeType = pickMimeType();
    const rec = new MediaRecorder(stream.current, mimeType ? { mimeType } : undefined);
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    rec.onstop = () => {
      const seconds = Math.max(1, Math.round((Date.now() - startedAt.current) / 1000));
      const blob = new Blob(chunks, { type: (rec.mimeType || mimeType || "audio/webm").split(";")[0] });
      setRecording({ blob, url: URL.createObjectURL(blob), seconds });
      setState("stopped");
      stopTracks();
    };
    recorder.current = rec;
    startedAt.current = Date.now();
    setElapsed(0);
    timer.current = window.setInterval(() => setElapsed(Math.round((Date.now() - startedAt.current) / 1000)), 500);
    rec.start(1000);
    setState("recording");
  }, [recording, stopTracks]);

  const stop = useCallback(() => {
    if (recorder.current?.state === "recording") recorder.current.stop();
  }, []);

  const discard = useCallback(() => {
    setRecording(null);
    setState("idle");
    setElapsed(0);
  }, []);

  return { state, error, recording, elapsed, start, stop, discard, supported: isRecordingSupported() };
}
