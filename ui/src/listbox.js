// The keyboard of a suggestion list under an input: ArrowDown/ArrowUp move
// the active option (wrapping), Enter picks it, Escape closes the list.
export function listKeyDown(event, { count, active, setActive, pick, close }) {
  if (event.key === "ArrowDown") {
    event.preventDefault();
    setActive((i) => (i + 1) % count);
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    setActive((i) => (i <= 0 ? count - 1 : i - 1));
  } else if (event.key === "Enter") {
    if (active >= 0) {
      event.preventDefault();
      pick(active);
    }
  } else if (event.key === "Escape") {
    event.preventDefault();
    close();
  }
}
