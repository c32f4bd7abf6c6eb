// Load a YouTube or Vimeo player only when the client asks for it, so a class page makes no
// request to those hosts until then.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".js-load-video");
  if (!button) return;
  var facade = button.closest(".video-facade");
  var frame = document.createElement("iframe");
  var embed = new URL(facade.dataset.embed);
  embed.searchParams.set("autoplay", "1"); // an unlisted Vimeo video keeps its ?h= hash
  frame.src = embed.toString();
  frame.title = facade.dataset.title + " (video)";
  frame.allow = "autoplay; fullscreen; picture-in-picture";
  frame.allowFullscreen = true;
  facade.replaceWith(frame);
  frame.focus();
});
