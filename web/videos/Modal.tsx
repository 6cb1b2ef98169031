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
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      class={`modal ${className}`}
      aria-labelledby={labelledBy}
      // Escape: closed at once by the page (not later, by the browser's close event), so a key pressed right after
      // it (Enter on the button that opened it) finds the dialog gone and can open it again.
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClose={onClose}
      onClick={(event) => {
        // A click on the backdrop reaches the dialog itself, as does one on its padding: only outside closes.
        const box = dialog.current!.getBoundingClientRect();
        const outside = event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom;
        if (event.target === dialog.current && outside) onClose();
      }}
    >
      {children}
    </dialog>
  );
}
