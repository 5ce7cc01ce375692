'use client';
import { useState } from 'react';

/** Copies the page URL (which holds the whole view state) to the clipboard. */
export function CopyLink() {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const url = window.location.href;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // Clipboard access can be refused (insecure origin); fall back to a selectable prompt.
      window.prompt('Copy this link', url);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button onClick={copy} data-testid="copy-link">
      {copied ? 'Link copied' : 'Copy link'}
    </button>
  );
}
