'use client';
import { useEffect, useRef, useState } from 'react';

/**
 * Becomes true once the element comes near the viewport (and stays true): cards of a large
 * grid fetch and draw their flame graphs only when someone can see them.
 */
export function useSeen<T extends HTMLElement>(margin = '600px'): [React.RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || seen) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setSeen(true);
        io.disconnect();
      }
    }, { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [seen, margin]);
  return [ref, seen];
}
