// Load a YouTube or Vimeo player only when the client asks for it, so a class page makes no
// request to those hosts until then.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".js-load-video");
  if (!button) return;
  var facade = button.closest(".video-facade");
  var frame = document.createElement("iframe");
  frame.src = facade.dataset.embed + "?autoplay=1";
  frame.title = facade.dataset.title + " (video)";
  frame.allow = "autoplay; fullscreen; picture-in-picture";
  frame.allowFullscreen = true;
  facade.replaceWith(frame);
  frame.focus();
});
