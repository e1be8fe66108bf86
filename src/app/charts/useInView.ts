import { useEffect, useState, type RefObject } from 'react';

/** Whether an element is on screen: off-screen live charts skip their redraws. */
export function useInView(ref: RefObject<Element | null>): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(([entry]) => setVisible(entry.isIntersecting), { rootMargin: '100px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return visible;
}
