// Generated from the database schema by `npm run types` (supabase gen types). Do not edit.

export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
  public: {
    Tables: {
      addresses: {
        Row: {
          created_at: string;
          customer_id: string;
          house: string;
          id: string;
          is_default: boolean;
          label: Database["public"]["Enums"]["address_label"];
          landmark: string | null;
          location: unknown;
          phone: string;
          street: string;
          updated_at: string;
        };
        ComputedFields: never;
        Insert: {
          created_at?: string;
          customer_id?: string;
          house: string;
          id?: string;
          is_default?: boolean;
          label?: Database["public"]["Enums"]["address_label"];
          landmark?: string | null;
          location: unknown;
          phone: string;
          street: string;
          updated_at?: string;
        };
        Update: {
          created_at?: string;
          customer_id?: string;
          house?: string;
          id?: string;
          is_default?: boolean;
          label?: Database["public"]["Enums"]["address_label"];
          landmark?: string | null;
          location?: unknown;
          phone?: string;
          street?: string;
          updated_at?: string;
        };
        Relationships: [
          {
            foreignKeyName: "addresses_customer_id_fkey";
            columns: ["customer_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      audit_log: {
        Row: {
          action: string;
          actor_id: string | null;
          actor_role: string;
          id: number;
          new_data: Json | null;
          occurred_at: string;
          old_data: Json | null;
          reason: string | null;
          record_id: string | null;
          table_name: string | null;
        };
        ComputedFields: never;
        Insert: {
          action: string;
          actor_id?: string | null;
          actor_role: string;
          id?: never;
          new_data?: Json | null;
          occurred_at?: string;
          old_data?: Json | null;
          reason?: string | null;
          record_id?: string | null;
          table_name?: string | null;
        };
        Update: {
          action?: string;
          actor_id?: string | null;
          actor_role?: string;
          id?: never;
          new_data?: Json | null;
          occurred_at?: string;
          old_data?: Json | null;
          reason?: string | null;
          record_id?: string | null;
          table_name?: string | null;
        };
        Relationships: [];
      };
      cancellation_requests: {
        Row: {
          answer: string | null;
          answer_reason: string | null;
          answered_at: string | null;
          order_id: string;
          reason: string;
          requested_at: string;
        };
        ComputedFields: never;
        Insert: {
          answer?: string | null;
          answer_reason?: string | null;
          answered_at?: string | null;
          order_id: string;
          reason: string;
          requested_at?: string;
        };
        Update: {
          answer?: string | null;
          answer_reason?: string | null;
          answered_at?: string | null;
          order_id?: string;
          reason?: string;
          requested_at?: string;
        };
        Relationships: [
          {
            foreignKeyName: "cancellation_requests_order_id_fkey";
            columns: ["order_id"];
            isOneToOne: true;
            referencedRelation: "orders";
            referencedColumns: ["id"];
          },
        ];
      };
      conversation_members: {
        Row: {
          conversation_id: string;
          joined_at: string;
          last_delivered_seq: number;
          last_read_at: string | null;
          last_read_seq: number;
          user_id: string;
        };
        ComputedFields: never;
        Insert: {
          conversation_id: string;
          joined_at?: string;
          last_delivered_seq?: number;
          last_read_at?: string | null;
          last_read_seq?: number;
          user_id: string;
        };
        Update: {
          conversation_id?: string;
          joined_at?: string;
          last_delivered_seq?: number;
          last_read_at?: string | null;
          last_read_seq?: number;
          user_id?: string;
        };
        Relationships: [
          {
            foreignKeyName: "conversation_members_conversation_id_fkey";
            columns: ["conversation_id"];
            isOneToOne: false;
            referencedRelation: "conversations";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "conversation_members_user_id_fkey";
            columns: ["user_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      conversations: {
        Row: {
          closed_at: string | null;
          created_at: string;
          id: string;
          kind: Database["public"]["Enums"]["conversation_kind"];
          last_seq: number;
          order_id: string;
          rider_id: string | null;
        };
        ComputedFields: never;
        Insert: {
          closed_at?: string | null;
          created_at?: string;
          id?: string;
          kind: Database["public"]["Enums"]["conversation_kind"];
          last_seq?: number;
          order_id: string;
          rider_id?: string | null;
        };
        Update: {
          closed_at?: string | null;
          created_at?: string;
          id?: string;
          kind?: Database["public"]["Enums"]["conversation_kind"];
          last_seq?: number;
          order_id?: string;
          rider_id?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "conversations_order_id_fkey";
            columns: ["order_id"];
            isOneToOne: false;
            referencedRelation: "orders";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "conversations_rider_id_fkey";
            columns: ["rider_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      messages: {
        Row: {
          body: string;
          client_msg_id: string;
          conversation_id: string;
          created_at: string;
          id: string;
          sender_id: string | null;
          seq: number;
        };
        ComputedFields: never;
        Insert: {
          body: string;
          client_msg_id: string;
          conversation_id: string;
          created_at?: string;
          id?: string;
          sender_id?: string | null;
          seq: number;
        };
        Update: {
          body?: string;
          client_msg_id?: string;
          conversation_id?: string;
          created_at?: string;
          id?: string;
          sender_id?: string | null;
          seq?: number;
        };
        Relationships: [
          {
            foreignKeyName: "messages_conversation_id_fkey";
            columns: ["conversation_id"];
            isOneToOne: false;
            referencedRelation: "conversations";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "messages_sender_id_fkey";
            columns: ["sender_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      notifications: {
        Row: {
          body: string;
          created_at: string;
          data: NonNullable<Json>;
          id: string;
          kind: string;
          link: string | null;
          read_at: string | null;
          title: string;
          user_id: string;
        };
        ComputedFields: never;
        Insert: {
          body?: string;
          created_at?: string;
          data?: NonNullable<Json>;
          id?: string;
          kind: string;
          link?: string | null;
          read_at?: string | null;
          title: string;
          user_id: string;
        };
        Update: {
          body?: string;
          created_at?: string;
          data?: NonNullable<Json>;
          id?: string;
          kind?: string;
          link?: string | null;
          read_at?: string | null;
          title?: string;
          user_id?: string;
        };
        Relationships: [
          {
            foreignKeyName: "notifications_user_id_fkey";
            columns: ["user_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      order_events: {
        Row: {
          actor_id: string | null;
          created_at: string;
          id: number;
          note: string | null;
          order_id: string;
          previous_status: Database["public"]["Enums"]["order_status"] | null;
          status: Database["public"]["Enums"]["order_status"];
        };
        ComputedFields: never;
        Insert: {
          actor_id?: string | null;
          created_at?: string;
          id?: never;
          note?: string | null;
          order_id: string;
          previous_status?: Database["public"]["Enums"]["order_status"] | null;
          status: Database["public"]["Enums"]["order_status"];
        };
        Update: {
          actor_id?: string | null;
          created_at?: string;
          id?: never;
          note?: string | null;
          order_id?: string;
          previous_status?: Database["public"]["Enums"]["order_status"] | null;
          status?: Database["public"]["Enums"]["order_status"];
        };
        Relationships: [
          {
            foreignKeyName: "order_events_actor_id_fkey";
            columns: ["actor_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "order_events_order_id_fkey";
            columns: ["order_id"];
            isOneToOne: false;
            referencedRelation: "orders";
            referencedColumns: ["id"];
          },
        ];
      };
      order_items: {
        Row: {
          id: number;
          if_unavailable: Database["public"]["Enums"]["substitution_preference"];
          line_total_paise: number | null;
          order_id: string;
          product_id: string | null;
          product_name: string;
          quantity: number;
          sku: string;
          substitute_for: number | null;
          unavailable: boolean;
          unit: string;
          unit_price_paise: number;
        };
        ComputedFields: never;
        Insert: {
          id?: never;
          if_unavailable?: Database["public"]["Enums"]["substitution_preference"];
          line_total_paise?: never;
          order_id: string;
          product_id?: string | null;
          product_name: string;
          quantity: number;
          sku: string;
          substitute_for?: number | null;
          unavailable?: boolean;
          unit: string;
          unit_price_paise: number;
        };
        Update: {
          id?: never;
          if_unavailable?: Database["public"]["Enums"]["substitution_preference"];
          line_total_paise?: never;
          order_id?: string;
          product_id?: string | null;
          product_name?: string;
          quantity?: number;
          sku?: string;
          substitute_for?: number | null;
          unavailable?: boolean;
          unit?: string;
          unit_price_paise?: number;
        };
        Relationships: [
          {
            foreignKeyName: "order_items_order_id_fkey";
            columns: ["order_id"];
            isOneToOne: false;
            referencedRelation: "orders";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "order_items_product_id_fkey";
            columns: ["product_id"];
            isOneToOne: false;
            referencedRelation: "products";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "order_items_substitute_for_fkey";
            columns: ["substitute_for"];
            isOneToOne: false;
            referencedRelation: "order_items";
            referencedColumns: ["id"];
          },
        ];
      };
      orders: {
        Row: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        ComputedFields: never;
        Insert: {
          created_at?: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m?: number | null;
          delivery_fee_paise?: number;
          delivery_location: unknown;
          delivery_phone?: string | null;
          delivery_proof_path?: string | null;
          id?: string;
          notes?: string | null;
          payment_method?: Database["public"]["Enums"]["payment_method"];
          rider_id?: string | null;
          small_order_fee_paise?: number;
          status?: Database["public"]["Enums"]["order_status"];
          status_reason?: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at?: string;
        };
        Update: {
          created_at?: string;
          customer_id?: string;
          delivery_address?: string;
          delivery_distance_m?: number | null;
          delivery_fee_paise?: number;
          delivery_location?: unknown;
          delivery_phone?: string | null;
          delivery_proof_path?: string | null;
          id?: string;
          notes?: string | null;
          payment_method?: Database["public"]["Enums"]["payment_method"];
          rider_id?: string | null;
          small_order_fee_paise?: number;
          status?: Database["public"]["Enums"]["order_status"];
          status_reason?: string | null;
          store_id?: string;
          subtotal_paise?: number;
          total_paise?: number;
          updated_at?: string;
        };
        Relationships: [
          {
            foreignKeyName: "orders_customer_id_fkey";
            columns: ["customer_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "orders_rider_id_fkey";
            columns: ["rider_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "orders_store_id_fkey";
            columns: ["store_id"];
            isOneToOne: false;
            referencedRelation: "stores";
            referencedColumns: ["id"];
          },
        ];
      };
      places: {
        Row: {
          id: number;
          kind: string;
          location: unknown;
          name: string;
          pin_code: string | null;
        };
        ComputedFields: never;
        Insert: {
          id?: never;
          kind: string;
          location: unknown;
          name: string;
          pin_code?: string | null;
        };
        Update: {
          id?: never;
          kind?: string;
          location?: unknown;
          name?: string;
          pin_code?: string | null;
        };
        Relationships: [];
      };
      products: {
        Row: {
          category: string;
          created_at: string;
          description: string;
          id: string;
          image_path: string | null;
          is_active: boolean;
          local_name: string | null;
          name: string;
          price_paise: number;
          search_core: string[] | null;
          search_name: string[] | null;
          search_words: string[] | null;
          sku: string;
          stock: number;
          store_id: string;
          unit: string;
          updated_at: string;
        };
        ComputedFields: never;
        Insert: {
          category: string;
          created_at?: string;
          description?: string;
          id?: string;
          image_path?: string | null;
          is_active?: boolean;
          local_name?: string | null;
          name: string;
          price_paise: number;
          search_core?: never;
          search_name?: never;
          search_words?: never;
          sku: string;
          stock?: number;
          store_id: string;
          unit: string;
          updated_at?: string;
        };
        Update: {
          category?: string;
          created_at?: string;
          description?: string;
          id?: string;
          image_path?: string | null;
          is_active?: boolean;
          local_name?: string | null;
          name?: string;
          price_paise?: number;
          search_core?: never;
          search_name?: never;
          search_words?: never;
          sku?: string;
          stock?: number;
          store_id?: string;
          unit?: string;
          updated_at?: string;
        };
        Relationships: [
          {
            foreignKeyName: "products_store_id_fkey";
            columns: ["store_id"];
            isOneToOne: false;
            referencedRelation: "stores";
            referencedColumns: ["id"];
          },
        ];
      };
      profiles: {
        Row: {
          created_at: string;
          full_name: string;
          id: string;
          language: string;
          phone: string | null;
          role: Database["public"]["Enums"]["app_role"];
          status: Database["public"]["Enums"]["account_status"];
          status_changed_at: string | null;
          status_reason: string | null;
          updated_at: string;
        };
        ComputedFields: never;
        Insert: {
          created_at?: string;
          full_name?: string;
          id: string;
          language?: string;
          phone?: string | null;
          role?: Database["public"]["Enums"]["app_role"];
          status?: Database["public"]["Enums"]["account_status"];
          status_changed_at?: string | null;
          status_reason?: string | null;
          updated_at?: string;
        };
        Update: {
          created_at?: string;
          full_name?: string;
          id?: string;
          language?: string;
          phone?: string | null;
          role?: Database["public"]["Enums"]["app_role"];
          status?: Database["public"]["Enums"]["account_status"];
          status_changed_at?: string | null;
          status_reason?: string | null;
          updated_at?: string;
        };
        Relationships: [];
      };
      push_preferences: {
        Row: {
          muted_kinds: string[];
          quiet_from: string | null;
          quiet_until: string | null;
          user_id: string;
        };
        ComputedFields: never;
        Insert: {
          muted_kinds?: string[];
          quiet_from?: string | null;
          quiet_until?: string | null;
          user_id?: string;
        };
        Update: {
          muted_kinds?: string[];
          quiet_from?: string | null;
          quiet_until?: string | null;
          user_id?: string;
        };
        Relationships: [
          {
            foreignKeyName: "push_preferences_user_id_fkey";
            columns: ["user_id"];
            isOneToOne: true;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      push_subscriptions: {
        Row: {
          auth: string;
          created_at: string;
          device_label: string;
          endpoint: string;
          id: string;
          last_success_at: string | null;
          p256dh: string;
          user_id: string;
        };
        ComputedFields: never;
        Insert: {
          auth: string;
          created_at?: string;
          device_label?: string;
          endpoint: string;
          id?: string;
          last_success_at?: string | null;
          p256dh: string;
          user_id: string;
        };
        Update: {
          auth?: string;
          created_at?: string;
          device_label?: string;
          endpoint?: string;
          id?: string;
          last_success_at?: string | null;
          p256dh?: string;
          user_id?: string;
        };
        Relationships: [
          {
            foreignKeyName: "push_subscriptions_user_id_fkey";
            columns: ["user_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      reviews: {
        Row: {
          comment: string | null;
          comment_hidden_at: string | null;
          created_at: string;
          customer_id: string;
          id: string;
          order_id: string;
          rider_id: string | null;
          rider_stars: number | null;
          store_id: string;
          store_stars: number;
        };
        ComputedFields: never;
        Insert: {
          comment?: string | null;
          comment_hidden_at?: string | null;
          created_at?: string;
          customer_id: string;
          id?: string;
          order_id: string;
          rider_id?: string | null;
          rider_stars?: number | null;
          store_id: string;
          store_stars: number;
        };
        Update: {
          comment?: string | null;
          comment_hidden_at?: string | null;
          created_at?: string;
          customer_id?: string;
          id?: string;
          order_id?: string;
          rider_id?: string | null;
          rider_stars?: number | null;
          store_id?: string;
          store_stars?: number;
        };
        Relationships: [
          {
            foreignKeyName: "reviews_customer_id_fkey";
            columns: ["customer_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "reviews_order_id_fkey";
            columns: ["order_id"];
            isOneToOne: true;
            referencedRelation: "orders";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "reviews_rider_id_fkey";
            columns: ["rider_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "reviews_store_id_fkey";
            columns: ["store_id"];
            isOneToOne: false;
            referencedRelation: "stores";
            referencedColumns: ["id"];
          },
        ];
      };
      rider_locations: {
        Row: {
          id: number;
          location: unknown;
          order_id: string | null;
          recorded_at: string;
          rider_id: string;
        };
        ComputedFields: never;
        Insert: {
          id?: never;
          location: unknown;
          order_id?: string | null;
          recorded_at?: string;
          rider_id: string;
        };
        Update: {
          id?: never;
          location?: unknown;
          order_id?: string | null;
          recorded_at?: string;
          rider_id?: string;
        };
        Relationships: [
          {
            foreignKeyName: "rider_locations_order_id_fkey";
            columns: ["order_id"];
            isOneToOne: false;
            referencedRelation: "orders";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "rider_locations_rider_id_fkey";
            columns: ["rider_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      rider_profiles: {
        Row: {
          created_at: string;
          is_available: boolean;
          last_seen_at: string | null;
          location: unknown;
          rating: number | null;
          rating_count: number;
          rider_id: string;
          updated_at: string;
          vehicle: Database["public"]["Enums"]["vehicle_type"];
          vehicle_number: string | null;
        };
        ComputedFields: never;
        Insert: {
          created_at?: string;
          is_available?: boolean;
          last_seen_at?: string | null;
          location?: unknown;
          rating?: number | null;
          rating_count?: number;
          rider_id: string;
          updated_at?: string;
          vehicle?: Database["public"]["Enums"]["vehicle_type"];
          vehicle_number?: string | null;
        };
        Update: {
          created_at?: string;
          is_available?: boolean;
          last_seen_at?: string | null;
          location?: unknown;
          rating?: number | null;
          rating_count?: number;
          rider_id?: string;
          updated_at?: string;
          vehicle?: Database["public"]["Enums"]["vehicle_type"];
          vehicle_number?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "rider_profiles_rider_id_fkey";
            columns: ["rider_id"];
            isOneToOne: true;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
      search_synonyms: {
        Row: {
          means: string;
          means_key: string | null;
          term: string;
          term_key: string | null;
        };
        ComputedFields: never;
        Insert: {
          means: string;
          means_key?: never;
          term: string;
          term_key?: never;
        };
        Update: {
          means?: string;
          means_key?: never;
          term?: string;
          term_key?: never;
        };
        Relationships: [];
      };
      stores: {
        Row: {
          address: string;
          approved_at: string | null;
          category: Database["public"]["Enums"]["store_category"];
          created_at: string;
          delivery_radius_m: number;
          description: string;
          id: string;
          location: unknown;
          minimum_order_paise: number;
          name: string;
          opening_hours: NonNullable<Json>;
          opening_week: unknown;
          owner_id: string;
          phone: string | null;
          photo_path: string | null;
          preparation_minutes: number;
          rating: number | null;
          rating_count: number;
          reopens_at: string | null;
          status: Database["public"]["Enums"]["store_status"];
          status_reason: string | null;
          temporarily_closed: boolean;
          updated_at: string;
          is_open: boolean | null;
        };
        ComputedFields: "is_open";
        Insert: {
          address: string;
          approved_at?: string | null;
          category?: Database["public"]["Enums"]["store_category"];
          created_at?: string;
          delivery_radius_m?: number;
          description?: string;
          id?: string;
          location: unknown;
          minimum_order_paise?: number;
          name: string;
          opening_hours?: NonNullable<Json>;
          opening_week?: never;
          owner_id?: string;
          phone?: string | null;
          photo_path?: string | null;
          preparation_minutes?: number;
          rating?: number | null;
          rating_count?: number;
          reopens_at?: string | null;
          status?: Database["public"]["Enums"]["store_status"];
          status_reason?: string | null;
          temporarily_closed?: boolean;
          updated_at?: string;
        };
        Update: {
          address?: string;
          approved_at?: string | null;
          category?: Database["public"]["Enums"]["store_category"];
          created_at?: string;
          delivery_radius_m?: number;
          description?: string;
          id?: string;
          location?: unknown;
          minimum_order_paise?: number;
          name?: string;
          opening_hours?: NonNullable<Json>;
          opening_week?: never;
          owner_id?: string;
          phone?: string | null;
          photo_path?: string | null;
          preparation_minutes?: number;
          rating?: number | null;
          rating_count?: number;
          reopens_at?: string | null;
          status?: Database["public"]["Enums"]["store_status"];
          status_reason?: string | null;
          temporarily_closed?: boolean;
          updated_at?: string;
        };
        Relationships: [
          {
            foreignKeyName: "stores_owner_id_fkey";
            columns: ["owner_id"];
            isOneToOne: false;
            referencedRelation: "profiles";
            referencedColumns: ["id"];
          },
        ];
      };
    };
    Views: {
      my_addresses: {
        Row: {
          created_at: string;
          house: string;
          id: string;
          is_default: boolean;
          label: Database["public"]["Enums"]["address_label"];
          landmark: string | null;
          lat: number | null;
          line: string | null;
          lng: number | null;
          phone: string;
          street: string;
          updated_at: string;
        };
        ComputedFields: never;
        Insert: {
          created_at?: string | null;
          house?: string | null;
          id?: string | null;
          is_default?: boolean | null;
          label?: Database["public"]["Enums"]["address_label"] | null;
          landmark?: string | null;
          lat?: never;
          line?: never;
          lng?: never;
          phone?: string | null;
          street?: string | null;
          updated_at?: string | null;
        };
        Update: {
          created_at?: string | null;
          house?: string | null;
          id?: string | null;
          is_default?: boolean | null;
          label?: Database["public"]["Enums"]["address_label"] | null;
          landmark?: string | null;
          lat?: never;
          line?: never;
          lng?: never;
          phone?: string | null;
          street?: string | null;
          updated_at?: string | null;
        };
        Relationships: [];
      };
    };
    Functions: {
      accept_order: {
        Args: { order_id: string; unavailable_product_ids?: string[] };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      agree_to_cancellation: {
        Args: { order_id: string };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      assign_rider: {
        Args: { order_id: string; rider_id: string };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      attach_delivery_proof: {
        Args: { p_order_id: string; p_path: string };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      claim_delivery: {
        Args: { order_id: string };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      decline_cancellation: {
        Args: { order_id: string; reason: string };
        Returns: {
          answer: string | null;
          answer_reason: string | null;
          answered_at: string | null;
          order_id: string;
          reason: string;
          requested_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "cancellation_requests";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      deliver_order: {
        Args: { handover_code?: string; handover_token?: string; order_id: string };
        Returns: Json;
      };
      delivery_terms: { Args: { lat: number; lng: number; store_id: string }; Returns: Json };
      handover_check: { Args: { order_id: string }; Returns: Json };
      handover_code: { Args: { order_id: string }; Returns: string };
      handover_token: { Args: { order_id: string }; Returns: string };
      hook_before_user_created: { Args: { event: Json }; Returns: Json };
      is_open: {
        Args: {
          store: Omit<
            Database["public"]["Tables"]["stores"]["Row"],
            Database["public"]["Tables"]["stores"]["ComputedFields"]
          >;
        };
        Returns: boolean;
      };
      job_topics: { Args: Record<PropertyKey, never>; Returns: string[] };
      mark_delivered: { Args: { conversation_id: string; up_to_seq: number }; Returns: undefined };
      mark_notifications_read: { Args: { ids?: string[] }; Returns: number };
      mark_read: { Args: { conversation_id: string; up_to_seq: number }; Returns: undefined };
      my_conversations: {
        Args: Record<PropertyKey, never>;
        Returns: {
          closed_at: string;
          conversation_id: string;
          kind: Database["public"]["Enums"]["conversation_kind"];
          last_message_at: string;
          last_message_body: string;
          last_read_seq: number;
          last_seq: number;
          order_id: string;
          unread_count: number;
        }[];
      };
      my_profile: {
        Args: Record<PropertyKey, never>;
        Returns: {
          created_at: string;
          full_name: string;
          id: string;
          language: string;
          phone: string | null;
          role: Database["public"]["Enums"]["app_role"];
          status: Database["public"]["Enums"]["account_status"];
          status_changed_at: string | null;
          status_reason: string | null;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "profiles";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      nearby_stores: {
        Args: {
          category?: Database["public"]["Enums"]["store_category"];
          lat: number;
          lng: number;
          max_results?: number;
          open_now?: boolean;
          radius_m?: number;
        };
        Returns: Database["public"]["CompositeTypes"]["nearby_store"][];
        SetofOptions: {
          from: "*";
          to: "nearby_store";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      order_tracking: { Args: { order_id: string }; Returns: Json };
      place_order: {
        Args: {
          delivery: Json;
          expected_total_paise?: number;
          idempotency_key: string;
          items: Json;
          notes?: string;
          payment_method?: string;
          store_id: string;
        };
        Returns: Json;
      };
      quote_order: {
        Args: { items: Json; lat: number; lng: number; store_id: string };
        Returns: Json;
      };
      rate_order: {
        Args: { comment?: string; order_id: string; rider_stars?: number; store_stars: number };
        Returns: {
          comment: string | null;
          comment_hidden_at: string | null;
          created_at: string;
          customer_id: string;
          id: string;
          order_id: string;
          rider_id: string | null;
          rider_stars: number | null;
          store_id: string;
          store_stars: number;
        };
        SetofOptions: {
          from: "*";
          to: "reviews";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      ready_jobs: {
        Args: { max_results?: number };
        Returns: {
          delivery_distance_m: number;
          distance_to_store_m: number;
          items: number;
          order_id: string;
          ready_since: string;
          store_address: string;
          store_id: string;
          store_lat: number;
          store_lng: number;
          store_name: string;
        }[];
      };
      reject_order: {
        Args: { order_id: string; reason: string };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      release_delivery: {
        Args: { order_id: string };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      report_location: { Args: { lat: number; lng: number; order_id: string }; Returns: Json };
      request_cancellation: {
        Args: { order_id: string; reason: string };
        Returns: {
          answer: string | null;
          answer_reason: string | null;
          answered_at: string | null;
          order_id: string;
          reason: string;
          requested_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "cancellation_requests";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      save_push_subscription: {
        Args: { auth: string; device_label?: string; endpoint: string; p256dh: string };
        Returns: {
          auth: string;
          created_at: string;
          device_label: string;
          endpoint: string;
          id: string;
          last_success_at: string | null;
          p256dh: string;
          user_id: string;
        };
        SetofOptions: {
          from: "*";
          to: "push_subscriptions";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      search_places: {
        Args: { max_results?: number; q: string };
        Returns: {
          kind: string;
          lat: number;
          lng: number;
          name: string;
          pin_code: string;
        }[];
      };
      search_products: {
        Args: { lat: number; lng: number; max_results?: number; query: string; radius_m?: number };
        Returns: {
          distance_m: number;
          in_stock: boolean;
          price_paise: number;
          product_id: string;
          product_local_name: string;
          product_name: string;
          rank: number;
          store_id: string;
          store_name: string;
          store_rating: number;
          store_rating_count: number;
        }[];
      };
      send_message: {
        Args: { body: string; client_msg_id: string; conversation_id: string };
        Returns: {
          body: string;
          client_msg_id: string;
          conversation_id: string;
          created_at: string;
          id: string;
          sender_id: string | null;
          seq: number;
        };
        SetofOptions: {
          from: "*";
          to: "messages";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      stores_for_order: {
        Args: { order_id: string };
        Returns: Database["public"]["CompositeTypes"]["store_for_order"][];
        SetofOptions: {
          from: "*";
          to: "store_for_order";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      suggest_riders: {
        Args: { max_results?: number; order_id: string };
        Returns: {
          distance_m: number;
          full_name: string;
          last_seen_at: string;
          rider_id: string;
          vehicle: Database["public"]["Enums"]["vehicle_type"];
        }[];
      };
      unlock_handover: {
        Args: { note: string; order_id: string };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      update_order_status: {
        Args: {
          note?: string;
          order_id: string;
          status: Database["public"]["Enums"]["order_status"];
        };
        Returns: {
          created_at: string;
          customer_id: string;
          delivery_address: string;
          delivery_distance_m: number | null;
          delivery_fee_paise: number;
          delivery_location: unknown;
          delivery_phone: string | null;
          delivery_proof_path: string | null;
          id: string;
          notes: string | null;
          payment_method: Database["public"]["Enums"]["payment_method"];
          rider_id: string | null;
          small_order_fee_paise: number;
          status: Database["public"]["Enums"]["order_status"];
          status_reason: string | null;
          store_id: string;
          subtotal_paise: number;
          total_paise: number;
          updated_at: string;
        };
        SetofOptions: {
          from: "*";
          to: "orders";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
    };
    Enums: {
      account_status: "active" | "suspended";
      address_label: "home" | "work" | "other";
      app_role: "customer" | "merchant" | "rider" | "admin";
      conversation_kind: "customer_store" | "customer_rider" | "store_rider";
      order_status:
        | "pending"
        | "accepted"
        | "preparing"
        | "ready"
        | "picked_up"
        | "delivered"
        | "rejected"
        | "cancelled"
        | "expired";
      payment_method: "cod";
      store_category:
        | "grocery"
        | "fruits_vegetables"
        | "dairy"
        | "bakery"
        | "meat_fish"
        | "pharmacy"
        | "sweets_snacks"
        | "general";
      store_status: "pending" | "approved" | "suspended";
      substitution_preference: "remove" | "substitute";
      vehicle_type: "bicycle" | "scooter" | "motorcycle" | "electric_scooter";
    };
    CompositeTypes: {
      nearby_store: {
        id: string | null;
        name: string | null;
        category: Database["public"]["Enums"]["store_category"] | null;
        distance_m: number | null;
        eta_minutes: number | null;
        is_open: boolean | null;
        rating: number | null;
        rating_count: number | null;
      };
      store_for_order: {
        store_id: string | null;
        name: string | null;
        distance_m: number | null;
        eta_minutes: number | null;
        rating: number | null;
        rating_count: number | null;
        items_found: number | null;
        items_total: number | null;
        products: Json | null;
      };
    };
  };
};

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">;

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">];

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R;
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R;
      }
      ? R
      : never
    : never;

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema["Tables"] | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I;
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I;
      }
      ? I
      : never
    : never;

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema["Tables"] | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U;
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U;
      }
      ? U
      : never
    : never;

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    keyof DefaultSchema["Enums"] | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never;

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    keyof DefaultSchema["CompositeTypes"] | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never;

export const Constants = {
  public: {
    Enums: {
      account_status: ["active", "suspended"],
      address_label: ["home", "work", "other"],
      app_role: ["customer", "merchant", "rider", "admin"],
      conversation_kind: ["customer_store", "customer_rider", "store_rider"],
      order_status: [
        "pending",
        "accepted",
        "preparing",
        "ready",
        "picked_up",
        "delivered",
        "rejected",
        "cancelled",
        "expired",
      ],
      payment_method: ["cod"],
      store_category: [
        "grocery",
        "fruits_vegetables",
        "dairy",
        "bakery",
        "meat_fish",
        "pharmacy",
        "sweets_snacks",
        "general",
      ],
      store_status: ["pending", "approved", "suspended"],
      substitution_preference: ["remove", "substitute"],
      vehicle_type: ["bicycle", "scooter", "motorcycle", "electric_scooter"],
    },
  },
} as const;
