// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("js");
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});

// Handbook suggestions while a contact describes a problem: fetched from the server, a fragment of links.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-suggest-url]");
  if (!box) return;
  const sources = document.querySelectorAll(box.dataset.suggestFrom);
  let timer = null;
  let last = "";
  const refresh = async () => {
    const text = Array.from(sources, (field) => field.value).join(" ").trim();
    if (text.length < 3 || text === last) return;
    last = text;
    const response = await fetch(`${box.dataset.suggestUrl}?q=${encodeURIComponent(text)}`, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (response.ok) box.innerHTML = await response.text();
  };
  for (const field of sources) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  }
});

// The compact menu of narrow screens: the button shows and hides the navigation; Escape closes it.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!nav) return;
  const set = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("is-open", open);
  };
  toggle.addEventListener("click", () => set(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      set(false);
      toggle.focus();
    }
  });
});

// Attachment pickers: the file input stays the control (its label, keyboard and dropping files on it are the
// browser's own); it is laid over a drop area that names the chosen files.
document.addEventListener("DOMContentLoaded", () => {
  const text = document.getElementById("file-drop-text");
  if (!text) return;
  const size = (bytes) =>
    bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  for (const input of document.querySelectorAll('input[type="file"]')) {
    const area = document.createElement("div");
    area.className = "file-drop";
    input.replaceWith(area);
    area.append(text.content.cloneNode(true), input);
    const list = area.querySelector(".file-drop-list");
    list.id = `${input.id}-chosen`;
    input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), list.id].filter(Boolean).join(" "));
    const show = () => {
      list.replaceChildren(
        ...Array.from(input.files, (file) => {
          const item = document.createElement("li");
          item.textContent = `${file.name} (${size(file.size)})`;
          return item;
        }),
      );
      area.classList.toggle("has-files", input.files.length > 0);
    };
    input.addEventListener("change", show);
    for (const name of ["dragenter", "dragover"]) input.addEventListener(name, () => area.classList.add("is-dragging"));
    for (const name of ["dragleave", "drop"]) input.addEventListener(name, () => area.classList.remove("is-dragging"));
    show();
  }
});
