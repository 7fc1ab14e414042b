// What every page does for assistive technology that Reflex components cannot say by props.
import { useEffect } from "react";

// The tab's title names the page: the given title (a case: its reference), else the page's
// own heading, in the language on screen; kept in step when either changes.
export function DocumentTitle({ title, brand }) {
  useEffect(() => {
    const apply = () => {
      const heading = document.querySelector("main h1")?.textContent?.trim();
      const name = title || heading;
      const wanted = name ? `${name} · ${brand}` : brand;
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [title, brand]);
  return null;
}

// A region that scrolls (a wide table on a phone, a long history) takes the keyboard focus,
// so it can be scrolled without a mouse; Radix gives its scroll areas no tabindex.
export function ScrollRegions() {
  useEffect(() => {
    const mark = () => {
      for (const el of document.querySelectorAll(".rt-ScrollAreaViewport")) {
        const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
        if (scrolls && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
        if (!scrolls && el.getAttribute("tabindex") === "0") el.removeAttribute("tabindex");
      }
    };
    let pending = null;
    const soon = () => { if (!pending) pending = requestAnimationFrame(() => { pending = null; mark(); }); };
    mark();
    const observer = new MutationObserver(soon);
    observer.observe(document.body, { subtree: true, childList: true });
    window.addEventListener("resize", soon);
    return () => { observer.disconnect(); window.removeEventListener("resize", soon); };
  }, []);
  return null;
}

// The first Tab stop of every page: straight to its own content, past the header and menu.
export function SkipLink({ label }) {
  const jump = (event) => {
    const main = document.getElementById("main");
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  };
  return <a href="#main" className="skip-link" onClick={jump}>{label}</a>;
}
