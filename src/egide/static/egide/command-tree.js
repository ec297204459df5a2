// The command tree's Print button (shown only when scripts run: printing needs none).
const button = document.getElementById('command-tree-print');
if (button) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
