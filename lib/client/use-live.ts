'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { endpointPath, endpoints } from '../api/endpoints';
import { LiveEvent, type IngestState } from '../api/schemas';
import { endpointKey } from './queries';

/**
 * The capture's live events (server-sent): uploads as they are received and parsed, and a
 * reload of the capture whenever a source arrives or goes, so new hosts show without a reload
 * of the page. EventSource reconnects by itself; each connection starts with a snapshot, and
 * the capture is read again then (sources may have arrived while no connection was open).
 */
export function useLiveIngests(captureId: string): IngestState[] {
  const client = useQueryClient();
  const [ingests, setIngests] = useState<Map<string, IngestState>>(new Map());
  useEffect(() => {
    const source = new EventSource(endpointPath(endpoints.events, { id: captureId }));
    source.onmessage = (msg) => {
      let data: unknown;
      try {
        data = JSON.parse(msg.data as string);
      } catch {
        return;
      }
      const parsed = LiveEvent.safeParse(data);
      if (!parsed.success) return;
      const e = parsed.data;
      const reload = () => void client.invalidateQueries({ queryKey: endpointKey(endpoints.capture, { id: captureId }) });
      if (e.type === 'changed') reload();
      else if (e.type === 'snapshot') {
        setIngests(new Map(e.ingests.map((i) => [i.id, i])));
        // What committed before this connection (the page's data may be older than it) is read again.
        reload();
      }
      else setIngests((prev) => new Map(prev).set(e.ingest.id, e.ingest));
    };
    return () => source.close();
  }, [captureId, client]);
  return [...ingests.values()];
}
