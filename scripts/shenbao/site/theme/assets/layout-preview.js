// 版面预览 under `shenbao serve`: shows layout-preview/page-N.png and swaps them in when a newer render is done.
(function () {
  "use strict";
  var root = new URL("../", document.currentScript.src);
  var folder = new URL("layout-preview/", root);
  var shown = "";

  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function image(number, version) {
    var figure = document.createElement("figure");
    figure.className = "layout-preview-page";
    var img = document.createElement("img");
    img.src = new URL("page-" + number + ".png?v=" + encodeURIComponent(version), folder).href;
    img.alt = "第 " + number + " 页";
    img.style.border = "1px solid #999";
    img.style.maxWidth = "100%";
    figure.appendChild(img);
    figure.appendChild(text("figcaption", "第 " + number + " 页"));
    return figure;
  }

  function show(box, note, status) {
    if (status.state === "rendering") note.textContent = "正在渲染最新的修改……（下面是上一次的版面）";
    else if (status.state === "unavailable" || status.state === "failed") note.textContent = status.message;
    else if (status.state === "done") note.textContent = "已是最新版面，共 " + status.pages + " 页。";
    if (!status.version || status.version === shown || status.state === "unavailable") return;
    shown = status.version;
    box.replaceChildren();
    var pages = status.pages || 0;
    if (pages && status.edited) {
      // the page being edited first, then every page in order
      box.appendChild(text("p", "正在编辑的“" + status.edited + "”在第 " + (status.focus + 1) + " 页："));
      box.appendChild(image(status.focus + 1, status.version));
      box.appendChild(text("p", "全部页面："));
    }
    for (var n = 1; n <= pages; n++) box.appendChild(image(n, status.version));
    box.dataset.version = status.version;
  }

  function start() {
    var article = document.querySelector("article");
    if (!article || !document.querySelector("meta[name='shenbao-layout-preview']") && !/layout-preview(\.html|\/)?$/.test(location.pathname)) return;
    var note = text("p", "正在准备版面预览……", "layout-preview-note");
    var box = document.createElement("div");
    box.className = "layout-preview";
    article.appendChild(note);
    article.appendChild(box);
    function poll() {
      fetch(new URL("status.json?t=" + Date.now(), folder), { cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : { state: "rendering" }; })
        .then(function (status) { show(box, note, status); })
        .catch(function () {})
        .finally(function () { window.setTimeout(poll, 1000); });
    }
    poll();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
