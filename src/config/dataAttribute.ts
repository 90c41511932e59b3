/** The script-tag attribute of an option: `sendPageAsTrack` → `data-send-page-as-track`. */
export function dataAttribute(option: string): string {
  return `data-${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
