/** The shell's icons: inline SVG (no icon font, no requests), stroked in currentColor. */

const svg = (path: string) => (
  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d={path} />
  </svg>
);

export const ChatIcon = () => svg('M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-5.2A8 8 0 1 1 21 12z');
export const CloseIcon = () => svg('M6 6l12 12M18 6L6 18');
export const AttachIcon = () =>
  svg(
    'M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9',
  );
export const SendIcon = () => svg('M4 12l16-8-6 16-2.5-6.5L4 12z');
export const ClockIcon = () => svg('M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7v5l3 2');
export const CheckIcon = () => svg('M4 12.5l5 5L20 6.5');
export const DoubleCheckIcon = () => svg('M2 12.5l5 5L18 6.5M10 16l1.5 1.5L22 6.5');
