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

// The request page's one submit: the button says what will happen (send or save, and the next state). The server
// renders a label that fits every case, for browsers without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-act-form]");
  if (!form) return;
  const button = form.querySelector("#act-submit");
  const next = form.querySelector("#next-state");
  const body = form.querySelector("#message-body");
  const label = () => {
    const option = next.options[next.selectedIndex];
    const reply = form.querySelector("input[name=audience]:checked")?.value === "reply";
    button.textContent = body.value.trim() && reply ? option.dataset.send : option.dataset.save;
  };
  form.addEventListener("input", label);
  form.addEventListener("change", label);
  label();
});

// Keyboard shortcuts on the desk, listed in the dialog that "?" opens. A key typed into a field is text, never a
// shortcut; Ctrl+Enter (or Cmd+Enter) in the request page's form sends it.
document.addEventListener("DOMContentLoaded", () => {
  const dialog = document.getElementById("shortcuts");
  if (!dialog) return;
  const typing = (target) => target.closest("input, textarea, select, [contenteditable]") !== null;
  const open = () => {
    if (!dialog.open) dialog.showModal();
  };
  for (const opener of document.querySelectorAll("[data-shortcuts-open]")) opener.addEventListener("click", open);

  const links = () => Array.from(document.querySelectorAll("table.queue tbody tr"), (row) => row.querySelector("td a[href]")).filter(Boolean);
  const move = (step) => {
    const all = links();
    if (!all.length) return;
    const at = all.indexOf(document.activeElement);
    const to = at === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
    for (const row of document.querySelectorAll("table.queue tr.is-current")) row.classList.remove("is-current");
    all[to].closest("tr").classList.add("is-current");
    all[to].focus();
  };

  document.addEventListener("keydown", (event) => {
    const form = document.querySelector("form[data-act-form]");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form && form.contains(event.target)) {
      event.preventDefault();
      form.requestSubmit(form.querySelector("#act-submit"));
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || dialog.open) return;
    if (event.key === "?") {
      event.preventDefault();
      open();
    } else if (event.key === "r" && form) {
      event.preventDefault();
      form.querySelector("#message-body").focus();
    } else if (event.key === "j" || event.key === "k") {
      if (!document.querySelector("table.queue")) return;
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
    }
  });
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

// The desk's timer: the server says how many seconds it held when the page was made; a running one ticks on from
// there by the browser's own clock, so that a skewed clock on either side does not show.
document.addEventListener("DOMContentLoaded", () => {
  const face = document.querySelector("[data-timer-running]");
  if (!face) return;
  const start = Number(face.dataset.timerSeconds) - performance.now() / 1000;
  const pad = (n) => String(n).padStart(2, "0");
  const tick = () => {
    const total = Math.max(0, Math.floor(start + performance.now() / 1000));
    face.textContent = `${Math.floor(total / 3600)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
    face.setAttribute("datetime", `PT${total}S`);
  };
  tick();
  setInterval(tick, 1000);
});
