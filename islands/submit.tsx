/**
 * Island: the submit button of a server-rendered form that pays or joins
 * (fund, join, reconnect). Once its form is sent the button is disabled and
 * says what is happening, so a second click sends nothing while the next
 * page loads; back on the page from the browser's cache it is ready again.
 * Without JavaScript it is a plain button.
 */
import { useEffect, useRef, useState } from "preact/hooks";

/** Props: what the button says, what it says once the form is sent, and the form's id when it stands outside it. */
export interface SubmitButtonProps {
  label: string;
  pendingLabel: string;
  form?: string;
}

/** `<SubmitButton label="Fund $500.00 with Whop" pendingLabel="Opening Whop…" />` inside a `<form>`. */
export default function SubmitButton({ label, pendingLabel, form: formId }: SubmitButtonProps) {
  const button = useRef<HTMLButtonElement>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    const form = button.current?.form;
    // Once the event has gone round: another handler (the create form's checks) may stop it.
    const sent = (event: SubmitEvent) => setTimeout(() => !event.defaultPrevented && setPending(true));
    const back = () => setPending(false);
    form?.addEventListener("submit", sent);
    addEventListener("pageshow", back);
    return () => {
      form?.removeEventListener("submit", sent);
      removeEventListener("pageshow", back);
    };
  }, []);
  return (
    <button ref={button} type="submit" form={formId} disabled={pending}>
      {pending ? pendingLabel : label}
    </button>
  );
}
