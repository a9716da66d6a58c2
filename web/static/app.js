// Progressive enhancement only: every feature works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("query");
  if (!editor) return;
  // Ctrl/Cmd+Enter runs the query.
  editor.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") editor.form.submit();
  });
  // Tab indents instead of leaving the editor.
  editor.addEventListener("keydown", (e) => {
    if (e.key !== "Tab" || e.shiftKey) return;
    e.preventDefault();
    const s = editor.selectionStart;
    editor.value = editor.value.slice(0, s) + "  " + editor.value.slice(editor.selectionEnd);
    editor.selectionStart = editor.selectionEnd = s + 2;
  });
});
