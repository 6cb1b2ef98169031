import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

interface ModalProps {
  /** The id of the element that names it (its heading). */
  labelledBy: string;
  class: string;
  onClose(): void;
  children: ComponentChildren;
}

/**
 * A modal `<dialog>` while it is rendered: the rest of the page is inert, Escape or a click outside closes it,
 * and the focus goes back to what had it before (when that is still on the page).
 */
export function Modal({ labelledBy, class: className, onClose, children }: ModalProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Closed once: Escape closes it at once (below), and the browser's own `close` event that follows is then
  // ignored, so it can never close the next dialog opened right after.
  const closed = useRef(false);
  const close = () => {
    if (closed.current) return;
    closed.current = true;
    // Not modal any more before it goes: the rest of the page stops being inert, and the focus can go back.
    if (dialog.current?.open) dialog.current.close();
    onClose();
  };
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const element = dialog.current;
    element?.showModal();
    return () => {
      // Gone by a button of its own (Cancel, Close) too: closed first, so that the page is not inert, then the
      // focus goes back to what opened it.
      closed.current = true;
      if (element?.open) element.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      class={`modal ${className}`}
      aria-labelledby={labelledBy}
      // Escape: closed by the page at once (not later, by the browser's close event), so a key pressed right after
      // it (Enter on the button that opened it) finds the dialog gone and can open it again.
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
      onClose={close}
      onClick={(event) => {
        // A click on the backdrop reaches the dialog itself, as does one on its padding: only outside closes.
        // (A click on Cancel or Close has already taken the dialog away by the time it gets here.)
        const element = dialog.current;
        if (!element || event.target !== element) return;
        const box = element.getBoundingClientRect();
        if (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom) close();
      }}
    >
      {children}
    </dialog>
  );
}
