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
