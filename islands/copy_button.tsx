/**
 * Island: a "Copy" button for a link or snippet shown next to it. It appears
 * only once JavaScript runs (without it, the text is still there to select),
 * and says "Copied" for a moment after a copy.
 */
import { useEffect, useState } from "preact/hooks";

/** Props: the text to copy and what the button says. */
export interface CopyButtonProps {
  text: string;
  label?: string;
}

/** `<CopyButton text={url} label="Copy link" />` */
export default function CopyButton({ text, label = "Copy" }: CopyButtonProps) {
  const [ready, setReady] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setReady(Boolean(navigator.clipboard)), []);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      class="button-secondary copy-button"
      hidden={!ready}
      onClick={() => navigator.clipboard.writeText(text).then(() => setCopied(true))}
    >
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </button>
  );
}
