'use client';
import { useEffect, useRef, useState } from 'react';

/** Width of an element, kept current with a ResizeObserver. */
export function useWidth<T extends HTMLElement>(initial = 800): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
